package io.tokenagent.instrumentation.apache.v4;

import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.concurrent.BasicFuture;
import org.apache.http.concurrent.FutureCallback;
import org.apache.http.nio.client.HttpAsyncClient;
import org.apache.http.nio.protocol.HttpAsyncRequestProducer;
import org.apache.http.nio.protocol.HttpAsyncResponseConsumer;
import org.apache.http.protocol.HttpContext;

/**
 * Apache HttpAsyncClient 4.1 (see {@link ApacheAsync4Instrumentation}). Its requests are generated on the I/O
 * reactor thread, which must never wait, so the token is made ready before an exchange starts: {@code execute}
 * returns a future of the hook's own when the request's token is not cached, and starts the exchange once it has
 * arrived. Each request then gets the header as the reactor generates it, first attempt and redirect hops alike.
 * Defined in the client's loader beside {@link ApacheClassicHook}, whose helper it shares; compiled against 4.1
 * and HttpClient 4.3.
 */
public final class ApacheAsync4Hook {

    private ApacheAsync4Hook() {
    }

    /**
     * At {@code execute(producer, consumer, context, callback)}: null to let the client go on at once (no rule,
     * or the token is at hand), else the application's future, completed by the exchange started later or failed
     * with the {@code on_failure=fail} error (which also reaches the callback).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Future<?> deferred(final HttpAsyncClient client, final HttpAsyncRequestProducer producer,
            final HttpAsyncResponseConsumer consumer, final HttpContext context, FutureCallback callback) {
        CompletableFuture<String> value;
        try {
            HttpHost target = producer.getTarget();
            URI uri = URI.create(producer.generateRequest().getRequestLine().getUri());
            HeaderRule rule = TokenAgentBridge.match(target.getSchemeName(), target.getHostName(), target.getPort(),
                    uri.getRawPath());
            if (rule == null) {
                return null;
            }
            value = rule.headerValueAsync(target.getSchemeName(), target.getHostName(), target.getPort());
            if (value.isDone()) {
                return null;
            }
        } catch (Throwable t) {
            return null; // never break a request because of the agent's plumbing
        }
        final BasicFuture<Object> future = new BasicFuture<Object>(callback);
        value.whenComplete(new BiConsumer<String, Throwable>() {
            @Override
            public void accept(String header, Throwable failure) {
                if (future.isDone()) {
                    return; // cancelled by the application meanwhile
                }
                if (failure != null) {
                    future.failed(failure instanceof Exception ? (Exception) failure : new IOException(failure));
                    return;
                }
                client.execute(producer, consumer, context, new FutureCallback<Object>() {
                    @Override
                    public void completed(Object result) {
                        future.completed(result);
                    }

                    @Override
                    public void failed(Exception e) {
                        future.failed(e);
                    }

                    @Override
                    public void cancelled() {
                        future.cancel(true);
                    }
                });
            }
        });
        return future;
    }

    /**
     * At each request {@code MainClientExec.generateRequest} returns, on the reactor thread: the agent's header
     * on it if and only if its URL is matched.
     *
     * @throws IOException the {@code on_failure=fail} error; or, for a redirect hop to a URL whose token is not
     *     cached (one of another rule: the first hop's token was made ready by {@link #deferred}), an error saying
     *     so, since the reactor thread cannot wait for the fetch that has just started
     */
    public static HttpRequest beforeSend(HttpRequest request, HttpClientContext context) throws IOException {
        if (!(request instanceof HttpRequestWrapper)) {
            return request; // a proxy's CONNECT
        }
        HttpRequestWrapper wrapper = (HttpRequestWrapper) request;
        HeaderRule rule;
        String scheme;
        String host;
        int port;
        try {
            ApacheClassicHook.removeInjected(wrapper);
            HttpHost target = context.getTargetHost(); // this hop's: set for each request the exec prepares
            if (target == null) {
                target = context.getHttpRoute().getTargetHost();
            }
            URI uri = wrapper.getURI();
            scheme = target.getSchemeName();
            host = target.getHostName();
            port = target.getPort();
            rule = TokenAgentBridge.match(scheme, host, port, uri.getRawPath());
            if (rule == null || (!rule.overwrite() && wrapper.containsHeader(rule.headerName()))) {
                return request;
            }
        } catch (Throwable t) {
            return request;
        }
        CompletableFuture<String> value = rule.headerValueAsync(scheme, host, port);
        if (!value.isDone()) {
            throw new IOException("token-agent: no token at hand for " + scheme + "://" + host
                    + (port == -1 ? "" : ":" + port) + " on the client's I/O thread, which must not wait for it "
                    + "(a redirect to another rule's URL); it is being fetched for the next request");
        }
        String header;
        try {
            header = value.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause());
        }
        if (header != null) {
            wrapper.setHeader(rule.headerName(), header); // replaces any of that name: never twice
        }
        return request;
    }
}
