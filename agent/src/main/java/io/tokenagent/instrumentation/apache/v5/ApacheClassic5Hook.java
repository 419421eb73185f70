package io.tokenagent.instrumentation.apache.v5;

import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
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
            removeInjected(request);
            HttpHost target = scope.route.getTargetHost();
            scheme = target.getSchemeName();
            host = target.getHostName();
            port = target.getPort();
            rule = TokenAgentBridge.match(scheme, host, port, path(request.getPath()));
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

    /** The request target's path: {@code getPath()} is the raw path and query. */
    static String path(String pathAndQuery) {
        if (pathAndQuery == null) {
            return null;
        }
        int query = pathAndQuery.indexOf('?');
        return query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
    }

    /** Takes off a header the agent put on this request object for an earlier attempt to another URL. */
    static void removeInjected(HttpRequest request) {
        for (String name : TokenAgentBridge.headerNames()) {
            for (Header header : request.getHeaders(name)) {
                if (TokenAgentBridge.isInjectedValue(header.getValue())) {
                    request.removeHeader(header);
                }
            }
        }
    }
}
