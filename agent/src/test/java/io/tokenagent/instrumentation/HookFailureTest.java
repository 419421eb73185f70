package io.tokenagent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.local.LocalChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.tokenagent.bootstrap.TokenAgentBridge;
import io.tokenagent.instrumentation.apache.v4.ApacheClassicHook;
import io.tokenagent.instrumentation.netty.NettyHttpHook;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.http.HttpHost;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.conn.routing.HttpRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A hook that fails after its request matched reports it, and under on_failure=fail fails the request. */
class HookFailureTest {

    private final BridgeStub bridge = BridgeStub.install();

    @AfterEach
    void uninstall() {
        TokenAgentBridge.install(null);
    }

    @Test
    void apacheClassicUnderFailThrowsTheAgentsErrorInsteadOfSendingBare() {
        bridge.brokenRule = new IllegalStateException("broken");
        bridge.failOnHookFailure = true;
        HttpRequestWrapper request = HttpRequestWrapper.wrap(new HttpGet("http://api.test/v1"));

        IOException e = assertThrows(IOException.class,
                () -> ApacheClassicHook.beforeExecute(new HttpRoute(new HttpHost("api.test", 80)), request));
        assertTrue(e.getMessage().startsWith("token-agent: "), e.getMessage());
        assertEquals(List.of("apache-httpclient-4: java.lang.IllegalStateException: broken"), bridge.hookFailures);
    }

    @Test
    void apacheClassicUnderProceedReportsAndGoesOn() throws Exception {
        bridge.brokenRule = new IllegalStateException("broken");
        HttpRequestWrapper request = HttpRequestWrapper.wrap(new HttpGet("http://api.test/v1"));

        ApacheClassicHook.beforeExecute(new HttpRoute(new HttpHost("api.test", 80)), request);

        assertNull(request.getFirstHeader("Authorization"));
        assertEquals(List.of("apache-httpclient-4: java.lang.IllegalStateException: broken"), bridge.hookFailures);
    }

    @Test
    void nettyUnderFailFailsTheWriteInsteadOfSendingBare() throws Exception {
        bridge.brokenRule = new IllegalStateException("broken");
        bridge.failOnHookFailure = true;
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            LocalChannel channel = new LocalChannel();
            HttpRequestEncoder encoder = new HttpRequestEncoder();
            channel.pipeline().addLast(encoder);
            loop.register(channel).sync();
            ChannelHandlerContext ctx = channel.pipeline().context(encoder);
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/v1");
            request.headers().set("Host", "api.test");
            ChannelPromise promise = channel.newPromise();

            assertTrue(NettyHttpHook.write(encoder, ctx, request, promise));
            assertTrue(promise.isDone());
            assertInstanceOf(IOException.class, promise.cause());
            assertEquals(1, bridge.hookFailures.size());

            bridge.failOnHookFailure = false;
            DefaultFullHttpRequest next = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/v1");
            next.headers().set("Host", "api.test");
            assertFalse(NettyHttpHook.write(encoder, ctx, next, channel.newPromise()), "goes on as without the agent");
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }
}
