package io.tokenagent.instrumentation.apache.v4;

import io.tokenagent.bootstrap.HeaderPolicy;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.net.URI;
import org.apache.http.HttpHost;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.client.RequestWrapper;

/**
 * Called by Apache HttpClient 4.0 to 4.5's {@code DefaultRequestDirector} once per hop, just after it reset the
 * request wrapper's headers to the application's. Defined in the client's own class loader beside
 * {@link ApacheClassicHook}, whose {@code Headers} it shares; uses only API present from 4.0 to 4.5.
 */
public final class ApacheDirectorHook {

    private static final String NAME = "apache-httpclient-4-director";

    private ApacheDirectorHook() {
    }

    /**
     * Makes the hop carry the agent's header if and only if its target is matched.
     *
     * @throws IOException only the documented {@code on_failure=fail} error, when no token can be had
     */
    public static void beforeHop(RequestWrapper request, HttpRoute route) throws IOException {
        HeaderRule rule = null;
        HttpHost target;
        try {
            ApacheClassicHook.Headers headers = new ApacheClassicHook.Headers(request);
            HeaderPolicy.removeInjected(headers); // a wrapper kept for a retry still has the previous round's
            target = route.getTargetHost();
            URI uri = request.getURI(); // absolute or not yet: only its path is read
            rule = TokenAgentBridge.match(target.getSchemeName(), target.getHostName(), target.getPort(),
                    uri == null ? null : uri.getRawPath());
            if (!HeaderPolicy.applies(rule, headers)) {
                return;
            }
        } catch (Throwable t) {
            HeaderPolicy.failOrGoOn(NAME, rule, t); // on_failure=fail: never sent bare once matched
            return; // never break a request because of the agent's plumbing
        }
        String value = rule.headerValue(target.getSchemeName(), target.getHostName(), target.getPort());
        if (value != null) {
            request.setHeader(rule.headerName(), value); // replaces any of that name: never twice
        }
    }
}
