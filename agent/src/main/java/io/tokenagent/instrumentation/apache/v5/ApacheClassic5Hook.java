package io.tokenagent.instrumentation.apache.v5;

import io.tokenagent.bootstrap.HeaderPolicy;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.RequestHeaders;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;

/**
 * Called by Apache HttpClient 5's classic {@code MainClientExec.execute} for every request it sends (each retry and
 * each redirect hop passes there). Defined in the client's own class loader; uses only API present from 5.0 to 5.6.
 */
public final class ApacheClassic5Hook {

    private static final String NAME = "apache-httpclient-5";

    private ApacheClassic5Hook() {
    }

    /**
     * Makes the request carry the agent's header if and only if its target is matched.
     *
     * @throws IOException only the documented {@code on_failure=fail} error, when no token can be had
     */
    public static void beforeExecute(ClassicHttpRequest request, ExecChain.Scope scope) throws IOException {
        HeaderRule rule = null;
        String scheme;
        String host;
        int port;
        try {
            Headers headers = new Headers(request);
            HeaderPolicy.removeInjected(headers);
            HttpHost target = scope.route.getTargetHost();
            scheme = target.getSchemeName();
            host = target.getHostName();
            port = target.getPort();
            rule = TokenAgentBridge.match(scheme, host, port, path(request.getPath()));
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

    /** The request target's path: {@code getPath()} is the raw path and query. */
    static String path(String pathAndQuery) {
        if (pathAndQuery == null) {
            return null;
        }
        int query = pathAndQuery.indexOf('?');
        return query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
    }

    /** An HttpClient 5 request's headers, for {@link HeaderPolicy}. */
    static final class Headers implements RequestHeaders {
        private final HttpRequest request;

        Headers(HttpRequest request) {
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
