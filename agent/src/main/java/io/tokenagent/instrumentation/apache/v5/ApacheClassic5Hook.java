package io.tokenagent.instrumentation.apache.v5;

import io.tokenagent.bootstrap.HeaderPolicy;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.RequestHeaders;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpMessage;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * Called by Apache HttpClient 5's classic {@code MainClientExec.execute} for every request it sends (each retry and
 * each redirect hop passes there). Defined in the client's own class loader; uses only API present from 5.0 to 5.6.
 */
public final class ApacheClassic5Hook {

    private static final String NAME = "apache-httpclient-5";
    /** Set in a request's context when the hook has sent it once more: never a third time. */
    private static final String REPLAYED = "io.tokenagent.replayed-after-401";

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

    /**
     * Sees the response {@code ConnectExec.execute} returns: a 401 to the agent's token is reported, and when the
     * agent says so the request is sent once more through the same {@code execute} (which leases a connection and
     * puts the new token on it) and its response returned instead.
     */
    public static ClassicHttpResponse afterConnectExec(ClassicHttpResponse response, ExecChainHandler exec,
            ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain) throws IOException, HttpException {
        boolean replay;
        try {
            if (response == null || response.getCode() != 401) {
                return response;
            }
            HttpHost target = scope.route.getTargetHost();
            HeaderRule rule = TokenAgentBridge.match(target.getSchemeName(), target.getHostName(), target.getPort(),
                    path(request.getPath()));
            replay = HeaderPolicy.replayAfter(NAME, rule, new Headers(request), 401,
                    new Headers(response).values("WWW-Authenticate"), request.getMethod(), request.getEntity() != null)
                    && scope.clientContext.getAttribute(REPLAYED) == null;
            if (replay) {
                scope.clientContext.setAttribute(REPLAYED, Boolean.TRUE);
                EntityUtils.consumeQuietly(response.getEntity()); // the connection goes back for the second try
                response.close();
            }
        } catch (Throwable t) {
            TokenAgentBridge.hookFailed(NAME, null, t);
            return response;
        }
        return replay ? exec.execute(request, scope, chain) : response;
    }

    /** The request target's path: {@code getPath()} is the raw path and query. */
    static String path(String pathAndQuery) {
        if (pathAndQuery == null) {
            return null;
        }
        int query = pathAndQuery.indexOf('?');
        return query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
    }

    /** An HttpClient 5 message's headers, for {@link HeaderPolicy}. */
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
