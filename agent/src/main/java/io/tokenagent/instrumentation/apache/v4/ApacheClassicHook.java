package io.tokenagent.instrumentation.apache.v4;

import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.net.URI;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.conn.routing.HttpRoute;

/**
 * Called by Apache HttpClient 4.x's {@code MainClientExec.execute} for every request it sends (each retry and each
 * redirect hop passes there). Defined in the client's own class loader, so it links against the application's
 * copy of the client; uses only API present from 4.3 to 4.5.
 */
public final class ApacheClassicHook {

    private static final String NAME = "apache-httpclient-4";

    private ApacheClassicHook() {
    }

    /**
     * Makes the request carry the agent's header if and only if its target is matched.
     *
     * @throws IOException only the documented {@code on_failure=fail} error, when no token can be had
     */
    public static void beforeExecute(HttpRoute route, HttpRequestWrapper request) throws IOException {
        HeaderRule rule = null;
        String scheme;
        String host;
        int port;
        try {
            removeInjected(request);
            HttpHost target = route.getTargetHost();
            URI uri = request.getURI();
            scheme = target.getSchemeName();
            host = target.getHostName();
            port = target.getPort();
            rule = TokenAgentBridge.match(scheme, host, port, uri == null ? null : uri.getRawPath());
            if (rule == null || (!rule.overwrite() && request.containsHeader(rule.headerName()))) {
                return;
            }
        } catch (Throwable t) {
            IOException error = TokenAgentBridge.hookFailed(NAME, rule, t);
            if (error != null) {
                throw error; // on_failure=fail: never sent without the header it was matched for
            }
            return; // never break a request because of the agent's plumbing
        }
        String value = rule.headerValue(scheme, host, port);
        if (value != null) {
            request.setHeader(rule.headerName(), value); // replaces any of that name: never twice
        }
    }

    /** Takes off a header the agent put on this request object for an earlier attempt to another URL. */
    static void removeInjected(HttpRequestWrapper request) {
        for (String name : TokenAgentBridge.headerNames()) {
            for (Header header : request.getHeaders(name)) {
                if (TokenAgentBridge.isInjectedValue(header.getValue())) {
                    request.removeHeader(header);
                }
            }
        }
    }
}
