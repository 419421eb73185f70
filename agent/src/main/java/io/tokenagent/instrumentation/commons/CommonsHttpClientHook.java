package io.tokenagent.instrumentation.commons;

import io.tokenagent.bootstrap.HeaderPolicy;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.RequestHeaders;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.httpclient.Header;
import org.apache.commons.httpclient.HttpConnection;
import org.apache.commons.httpclient.HttpMethod;

/**
 * Called by Commons HttpClient 3.x's {@code HttpMethodDirector} before each hop of a request is sent. The director
 * sends every hop with the same method object, so the header an earlier hop got is taken off first. Defined in the
 * client's own class loader; uses only API present in 3.0 and 3.1.
 */
public final class CommonsHttpClientHook {

    private static final String NAME = "commons-httpclient-3";

    private CommonsHttpClientHook() {
    }

    /**
     * Makes the hop carry the agent's header if and only if its target is matched.
     *
     * @param connection the director's connection, already pointed at the hop's host
     * @throws IOException only the documented {@code on_failure=fail} error, when no token can be had
     */
    public static void beforeHop(HttpConnection connection, HttpMethod method) throws IOException {
        HeaderRule rule = null;
        String scheme;
        String host;
        int port;
        try {
            Headers headers = new Headers(method);
            HeaderPolicy.removeInjected(headers);
            scheme = connection.getProtocol().getScheme();
            host = connection.getHost();
            port = connection.getPort();
            rule = TokenAgentBridge.match(scheme, host, port, method.getPath());
            if (!HeaderPolicy.applies(rule, headers)) {
                return;
            }
        } catch (Throwable t) {
            HeaderPolicy.failOrGoOn(NAME, rule, t); // on_failure=fail: never sent bare once matched
            return; // never break a request because of the agent's plumbing
        }
        String value = rule.headerValue(scheme, host, port);
        if (value != null) {
            method.setRequestHeader(rule.headerName(), value); // replaces any of that name: never twice
        }
    }

    /** A Commons HttpClient method's request headers, for {@link HeaderPolicy}. */
    static final class Headers implements RequestHeaders {
        private final HttpMethod method;

        Headers(HttpMethod method) {
            this.method = method;
        }

        @Override
        public List<String> values(String name) {
            Header[] headers = method.getRequestHeaders(name);
            List<String> values = new ArrayList<String>(headers.length);
            for (Header header : headers) {
                values.add(header.getValue());
            }
            return values;
        }

        @Override
        public void remove(String name) {
            method.removeRequestHeader(name);
        }
    }
}
