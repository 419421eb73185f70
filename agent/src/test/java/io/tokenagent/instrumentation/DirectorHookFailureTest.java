package io.tokenagent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenagent.bootstrap.TokenAgentBridge;
import io.tokenagent.instrumentation.apache.v4.ApacheDirectorHook;
import io.tokenagent.instrumentation.commons.CommonsHttpClientHook;
import java.io.IOException;
import java.util.List;
import org.apache.commons.httpclient.HttpConnection;
import org.apache.commons.httpclient.methods.GetMethod;
import org.apache.http.HttpHost;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.client.RequestWrapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hooks of the two request directors (Apache HttpClient 4's {@code DefaultRequestDirector}, Commons HttpClient
 * 3's {@code HttpMethodDirector}) when they fail after their request matched: reported, and under on_failure=fail
 * the request fails instead of going out bare; otherwise it goes on without the header.
 */
class DirectorHookFailureTest {

    private final BridgeStub bridge = BridgeStub.install();

    @AfterEach
    void uninstall() {
        TokenAgentBridge.install(null);
    }

    @Test
    @SuppressWarnings("deprecation")
    void apacheDirectorUnderFailThrowsTheAgentsErrorAndUnderProceedGoesOnBare() throws Exception {
        bridge.brokenRule = new IllegalStateException("broken");
        HttpRoute route = new HttpRoute(new HttpHost("api.test", 80));
        bridge.failOnHookFailure = true;

        IOException e = assertThrows(IOException.class, () -> ApacheDirectorHook.beforeHop(
                new RequestWrapper(new HttpGet("http://api.test/v1")), route));
        assertTrue(e.getMessage().startsWith("token-agent: "), e.getMessage());

        bridge.failOnHookFailure = false;
        RequestWrapper request = new RequestWrapper(new HttpGet("http://api.test/v1"));
        ApacheDirectorHook.beforeHop(request, route);
        assertNull(request.getFirstHeader("Authorization"));
        assertEquals(List.of("apache-httpclient-4-director: java.lang.IllegalStateException: broken",
                "apache-httpclient-4-director: java.lang.IllegalStateException: broken"), bridge.hookFailures);
    }

    @Test
    void commonsHttpClientUnderFailThrowsTheAgentsErrorAndUnderProceedGoesOnBare() throws Exception {
        bridge.brokenRule = new IllegalStateException("broken");
        HttpConnection connection = new HttpConnection("api.test", 80);
        bridge.failOnHookFailure = true;

        IOException e = assertThrows(IOException.class, () -> CommonsHttpClientHook.beforeHop(connection,
                new GetMethod("http://api.test/v1")));
        assertTrue(e.getMessage().startsWith("token-agent: "), e.getMessage());

        bridge.failOnHookFailure = false;
        GetMethod method = new GetMethod("http://api.test/v1");
        CommonsHttpClientHook.beforeHop(connection, method);
        assertNull(method.getRequestHeader("Authorization"));
        assertEquals(List.of("commons-httpclient-3: java.lang.IllegalStateException: broken",
                "commons-httpclient-3: java.lang.IllegalStateException: broken"), bridge.hookFailures);
    }
}
