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
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpException;
import org.apache.http.HttpHost;
import org.apache.http.HttpMessage;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpExecutionAware;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.execchain.ClientExecChain;
import org.apache.http.util.EntityUtils;

/**
 * Called by Apache HttpClient 4.x's {@code MainClientExec.execute} for every request it sends (each retry and each
 * redirect hop passes there). Defined in the client's own class loader, so it links against the application's
 * copy of the client; uses only API present from 4.3 to 4.5.
 */
public final class ApacheClassicHook {

    private static final String NAME = "apache-httpclient-4";
    /** Set in a request's context when the hook has sent it once more: never a third time. */
    private static final String REPLAYED = "io.tokenagent.replayed-after-401";

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

    /**
     * Sees the response {@code execute} returns: a 401 to the agent's token is reported, and when the agent says so
     * the request is sent once more through the same {@code execute} (which puts the new token on it) and its
     * response returned instead.
     */
    public static CloseableHttpResponse afterExecute(CloseableHttpResponse response, ClientExecChain exec,
            HttpRoute route, HttpRequestWrapper request, HttpClientContext context, HttpExecutionAware aware)
            throws IOException, HttpException {
        boolean replay;
        try {
            if (response == null || response.getStatusLine().getStatusCode() != 401) {
                return response;
            }
            HttpHost target = route.getTargetHost();
            URI uri = request.getURI();
            HeaderRule rule = TokenAgentBridge.match(target.getSchemeName(), target.getHostName(), target.getPort(),
                    uri == null ? null : uri.getRawPath());
            boolean hasBody = request instanceof HttpEntityEnclosingRequest
                    && ((HttpEntityEnclosingRequest) request).getEntity() != null;
            replay = HeaderPolicy.replayAfter(NAME, rule, new Headers(request), 401,
                    new Headers(response).values("WWW-Authenticate"), request.getRequestLine().getMethod(), hasBody)
                    && context.getAttribute(REPLAYED) == null;
            if (replay) {
                context.setAttribute(REPLAYED, Boolean.TRUE);
                EntityUtils.consumeQuietly(response.getEntity()); // the connection goes back for the second try
                response.close();
            }
        } catch (Throwable t) {
            TokenAgentBridge.hookFailed(NAME, null, t);
            return response;
        }
        return replay ? exec.execute(route, request, context, aware) : response;
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
