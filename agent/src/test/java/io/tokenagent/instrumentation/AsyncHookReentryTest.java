package io.tokenagent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import io.tokenagent.instrumentation.apache.v4.ApacheAsync4Hook;
import io.tokenagent.instrumentation.httpclient.JdkHttpClientHook;
import io.tokenagent.instrumentation.netty.NettyHttpHook;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.apache.http.HttpHost;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.concurrent.FutureCallback;
import org.apache.http.nio.client.HttpAsyncClient;
import org.apache.http.nio.protocol.HttpAsyncRequestProducer;
import org.apache.http.protocol.BasicHttpContext;
import org.apache.http.nio.client.methods.HttpAsyncMethods;
import org.apache.http.nio.protocol.BasicAsyncRequestProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each asynchronous hook that holds a request for its token and then re-enters the client, with real client
 * classes: whatever the re-entry throws reaches the application's future (and callback) instead of being lost.
 */
class AsyncHookReentryTest {

    private final BridgeStub bridge = BridgeStub.install();

    @AfterEach
    void uninstall() {
        TokenAgentBridge.install(null);
    }

    @Test
    void apacheAsync4ClosedWhileTheTokenIsFetchedFailsTheFutureAndCallback() throws Exception {
        List<String> callback = new CopyOnWriteArrayList<>();
        Future<?> future = ApacheAsync4Hook.deferred(client(producer -> {
            throw new IllegalStateException("Request cannot be executed; I/O reactor status: STOPPED");
        }), HttpAsyncMethods.createGet("http://api.test/v1"), HttpAsyncMethods.createConsumer(),
                new BasicHttpContext(), recording(callback));
        bridge.value.complete("Bearer t");

        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        assertInstanceOf(IllegalStateException.class, e.getCause().getCause());
        assertEquals(1, callback.size());
        assertTrue(callback.get(0).startsWith("failed "), callback.toString());
    }

    @Test
    void apacheAsync4TokenFailureFailsTheFuture() throws Exception {
        Future<?> future = ApacheAsync4Hook.deferred(client(producer -> null),
                HttpAsyncMethods.createGet("http://api.test/v1"), HttpAsyncMethods.createConsumer(),
                new BasicHttpContext(), null);
        bridge.value.completeExceptionally(new IOException("token-agent: no token"));

        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
        assertEquals("token-agent: no token", e.getCause().getMessage());
    }

    @Test
    void apacheAsync4AsksTheApplicationsProducerForItsRequestOnce() throws Exception {
        bridge.value.complete("Bearer t");
        AtomicInteger generated = new AtomicInteger();
        HttpGet request = new HttpGet("http://127.0.0.1:1/v1");
        BasicAsyncRequestProducer producer = new BasicAsyncRequestProducer(new HttpHost("127.0.0.1", 1), request) {
            @Override
            public org.apache.http.HttpRequest generateRequest() {
                generated.incrementAndGet();
                return super.generateRequest();
            }
        };
        List<Object> sent = new CopyOnWriteArrayList<>();
        HttpAsyncClient client = client(p -> sent.add(p.generateRequest())); // as MainClientExec.prepare does
        if (ApacheAsync4Hook.deferred(client, producer, HttpAsyncMethods.createConsumer(), new BasicHttpContext(),
                null) == null) {
            client.execute(producer, HttpAsyncMethods.createConsumer(), new BasicHttpContext(), null); // goes on
        }

        assertEquals(1, generated.get());
        assertEquals(List.of(request), sent);
    }

    @Test
    void jdkHttpClientWhoseExecutorRejectsFailsTheApplicationsFuture() throws Exception {
        HttpClient client = new RejectingClient();
        CompletableFuture<?> response = JdkHttpClientHook.deferUntilToken(client,
                HttpRequest.newBuilder(URI.create("http://api.test/v1")).build(), HttpResponse.BodyHandlers.discarding(),
                null, null);
        bridge.value.complete("Bearer t");

        ExecutionException e = assertThrows(ExecutionException.class, () -> response.get(5, TimeUnit.SECONDS));
        assertInstanceOf(RejectedExecutionException.class, e.getCause().getCause());
    }

    @Test
    void jdkHttpClientTokenFailureFailsTheApplicationsFuture() throws Exception {
        CompletableFuture<?> response = JdkHttpClientHook.deferUntilToken(new RejectingClient(),
                HttpRequest.newBuilder(URI.create("http://api.test/v1")).build(), HttpResponse.BodyHandlers.discarding(),
                null, null);
        bridge.value.completeExceptionally(new IOException("token-agent: no token"));

        ExecutionException e = assertThrows(ExecutionException.class, () -> response.get(5, TimeUnit.SECONDS));
        assertEquals("token-agent: no token", e.getCause().getMessage());
    }

    @Test
    void nettyEventLoopTerminatedWhileTheTokenIsFetchedFailsTheWrite() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        LocalChannel channel = new LocalChannel();
        HttpRequestEncoder encoder = new HttpRequestEncoder();
        channel.pipeline().addLast(encoder);
        loop.register(channel).sync();
        ChannelHandlerContext ctx = channel.pipeline().context(encoder);
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/v1");
        request.headers().set("Host", "api.test");
        ChannelPromise promise = channel.newPromise();

        assertTrue(NettyHttpHook.write(encoder, ctx, request, promise));
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        bridge.value.complete("Bearer t");

        assertTrue(promise.isDone(), "the write was never failed");
        assertInstanceOf(IOException.class, promise.cause());
        assertInstanceOf(RejectedExecutionException.class, promise.cause().getCause());
    }

    /** What an HttpAsyncClient 4 does with the producer the hook passes to {@code execute}. */
    private interface Execute {
        Object with(HttpAsyncRequestProducer producer) throws Exception;
    }

    /** An HttpAsyncClient 4 whose four-argument {@code execute} does that (the agent tests run without 4.1's core). */
    private static HttpAsyncClient client(Execute execute) {
        return (HttpAsyncClient) Proxy.newProxyInstance(AsyncHookReentryTest.class.getClassLoader(),
                new Class<?>[] {HttpAsyncClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("execute") && args.length == 4
                            && args[0] instanceof HttpAsyncRequestProducer producer) {
                        execute.with(producer);
                        return new CompletableFuture<>();
                    }
                    throw new UnsupportedOperationException(method.toString());
                });
    }

    private static FutureCallback<Object> recording(List<String> calls) {
        return new FutureCallback<>() {
            @Override
            public void completed(Object result) {
                calls.add("completed");
            }

            @Override
            public void failed(Exception ex) {
                calls.add("failed " + ex);
            }

            @Override
            public void cancelled() {
                calls.add("cancelled");
            }
        };
    }

    /** A client whose executor no longer takes work: {@code sendAsync} throws. */
    private static final class RejectingClient extends HttpClient {
        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> push) {
            throw new RejectedExecutionException("executor shut down");
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                HttpResponse.BodyHandler<T> handler) {
            return sendAsync(request, handler, null);
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<CookieHandler> cookieHandler() {
            return Optional.empty();
        }

        @Override
        public Optional<Duration> connectTimeout() {
            return Optional.empty();
        }

        @Override
        public Redirect followRedirects() {
            return Redirect.NEVER;
        }

        @Override
        public Optional<ProxySelector> proxy() {
            return Optional.empty();
        }

        @Override
        public SSLContext sslContext() {
            return null;
        }

        @Override
        public SSLParameters sslParameters() {
            return null;
        }

        @Override
        public Optional<Authenticator> authenticator() {
            return Optional.empty();
        }

        @Override
        public Version version() {
            return Version.HTTP_1_1;
        }

        @Override
        public Optional<Executor> executor() {
            return Optional.empty();
        }
    }
}
