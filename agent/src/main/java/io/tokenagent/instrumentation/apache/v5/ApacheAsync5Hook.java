package io.tokenagent.instrumentation.apache.v5;

import io.tokenagent.bootstrap.HeaderPolicy;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.HeldRequest;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;

/**
 * Called first by Apache HttpClient 5's async main exec handlers (HTTP/1.1 and HTTP/2) for every request they send,
 * each retry and redirect hop included. Those run on the caller's thread for a first attempt and on an I/O reactor
 * thread for later hops, neither of which may wait: a request whose token is not cached goes on, through the same
 * handler, once the token has arrived; a failure goes to the exchange's callback, which fails the application's
 * {@code Future} and calls its {@code FutureCallback.failed}. Defined in the client's loader beside
 * {@link ApacheClassic5Hook}, whose helpers it shares; uses only API present from 5.0 to 5.6.
 */
public final class ApacheAsync5Hook {

    private static final String NAME = "apache-httpclient-5-async";

    private ApacheAsync5Hook() {
    }

    /** @return true when the hook has taken the request over: the handler must return at once */
    public static boolean deferred(final AsyncExecChainHandler handler, final HttpRequest request,
            final AsyncEntityProducer entityProducer, final AsyncExecChain.Scope scope, final AsyncExecChain chain,
            final AsyncExecCallback callback) {
        HeaderRule matched = null;
        String scheme;
        String host;
        int port;
        try {
            ApacheClassic5Hook.Headers headers = new ApacheClassic5Hook.Headers(request);
            HeaderPolicy.removeInjected(headers);
            HttpHost target = scope.route.getTargetHost();
            scheme = target.getSchemeName();
            host = target.getHostName();
            port = target.getPort();
            matched = TokenAgentBridge.match(scheme, host, port, ApacheClassic5Hook.path(request.getPath()));
            if (!HeaderPolicy.applies(matched, headers)) {
                return false;
            }
        } catch (Throwable t) {
            IOException error = TokenAgentBridge.hookFailed(NAME, matched, t);
            if (error != null) {
                callback.failed(error); // on_failure=fail: never sent without the header it was matched for
                return true;
            }
            return false; // never break a request because of the agent's plumbing
        }
        final HeaderRule rule = matched;
        CompletableFuture<String> value = rule.headerValueAsync(scheme, host, port);
        if (value.isDone()) {
            try {
                setHeader(request, rule, value.join());
                return false;
            } catch (CompletionException e) {
                callback.failed(HeldRequest.asIOException(e));
                return true;
            }
        }
        new HeldRequest(NAME) {
            @Override
            protected void release(String header) throws Exception {
                setHeader(request, rule, header);
                handler.execute(request, entityProducer, scope, chain, callback); // now goes straight through
            }

            @Override
            protected void fail(IOException cause) {
                callback.failed(cause);
            }
        }.after(value);
        return true;
    }

    private static void setHeader(HttpRequest request, HeaderRule rule, String value) {
        if (value != null) {
            request.setHeader(rule.headerName(), value); // replaces any of that name: never twice
        }
    }
}
