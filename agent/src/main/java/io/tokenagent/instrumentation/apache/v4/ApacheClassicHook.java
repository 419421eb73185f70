package io.tokenagent.instrumentation.apache.v4;

import io.tokenagent.bootstrap.HeaderPolicy;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.RequestHeaders;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.HttpMessage;
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
            Headers headers = new Headers(request);
            HeaderPolicy.removeInjected(headers);
            HttpHost target = route.getTargetHost();
            URI uri = request.getURI();
            scheme = target.getSchemeName();
            host = target.getHostName();
            port = target.getPort();
            rule = TokenAgentBridge.match(scheme, host, port, uri == null ? null : uri.getRawPath());
            if (!HeaderPolicy.applies(rule, headers)) {
                return;
            }
        } catch (Throwable t) {
            HeaderPolicy.failOrGoOn(NAME, rule, t); // on_failure=fail: never sent bare once matched
            return; // never break a request because of the agent's plumbing
        }
        String value = rule.headerValue(scheme, host, port);
        if (value != null) {
            request.setHeader(rule.headerName(), value); // replaces any of that name: never twice
        }
    }

    /** An HttpClient 4 request's headers, for {@link HeaderPolicy}. */
    static final class Headers implements RequestHeaders {
        private final HttpMessage request;

        Headers(HttpMessage request) {
            this.request = request;
        }

        @Override
        public List<String> values(String name) {
            Header[] headers = request.getHeaders(name);
            List<String> values = new ArrayList<String>(headers.length);
            for (Header header : headers) {
                values.add(header.getValue());
            }
            return values;
        }

        @Override
        public void remove(String name) {
            request.removeHeaders(name);
        }
    }
}
