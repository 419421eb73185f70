package io.tokenagent.instrumentation.apache.v4;

import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.concurrent.BasicFuture;
import org.apache.http.concurrent.FutureCallback;
import org.apache.http.nio.NHttpClientConnection;
import org.apache.http.nio.client.HttpAsyncClient;
import org.apache.http.nio.protocol.HttpAsyncClientExchangeHandler;
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
     * Where {@code DefaultClientExchangeHandlerImpl.responseCompleted} sends the next hop of an exchange (a redirect,
     * an authentication retry), on the reactor thread: at once when no rule matches the hop or its token is at hand,
     * else once the token has arrived, from the thread that completes it. The hop's request then meets
     * {@link #beforeSend} with its token (or its {@code on_failure=fail} error) ready.
     *
     * @param connection the exchange's connection when it carries the hop, whose output is requested; null when the
     *     hop needs a connection of its own, which is requested from the handler
     */
    public static void nextHop(final NHttpClientConnection connection, final HttpAsyncClientExchangeHandler handler,
            HttpRequestWrapper request, HttpRoute route) throws IOException {
        CompletableFuture<String> value = null;
        try {
            HttpHost target = route.getTargetHost();
            HeaderRule rule = ruleFor(target, request);
            if (rule != null) {
                value = rule.headerValueAsync(target.getSchemeName(), target.getHostName(), target.getPort());
            }
        } catch (Throwable t) {
            value = null; // the hop goes on as without the agent; beforeSend decides about its header
        }
        if (value == null || value.isDone()) {
            sendHop(connection, handler);
            return;
        }
        value.whenComplete(new BiConsumer<String, Throwable>() {
            @Override
            public void accept(String header, Throwable failure) {
                try {
                    sendHop(connection, handler);
                } catch (Exception e) {
                    handler.failed(e); // as the reactor thread's exception would have
                }
            }
        });
    }

    private static void sendHop(NHttpClientConnection connection, HttpAsyncClientExchangeHandler handler)
            throws IOException {
        if (connection != null) {
            connection.requestOutput();
            return;
        }
        try {
            requestConnection(handler.getClass()).invoke(handler);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw cause instanceof IOException ? (IOException) cause : new IOException(cause);
        } catch (IllegalAccessException e) {
            throw new IOException("token-agent: cannot start the next hop", e);
        }
    }

    /** {@code AbstractClientExchangeHandler.requestConnection()}: package-private, so found by reflection. */
    private static Method requestConnection(Class<?> type) throws IOException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Method method = c.getDeclaredMethod("requestConnection");
                method.setAccessible(true);
                return method;
            } catch (NoSuchMethodException notHere) {
                // its superclass declares it
            }
        }
        throw new IOException("token-agent: no requestConnection() in " + type.getName());
    }

    /**
     * At each request {@code MainClientExec.generateRequest} returns, on the reactor thread: the agent's header
     * on it if and only if its URL is matched.
     *
     * @throws IOException the {@code on_failure=fail} error; or, should a hop reach the reactor without its token
     *     ready (the client version's hop start was not rewritten), an error saying so, since the reactor thread
     *     cannot wait for the fetch that has just started
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
            scheme = target.getSchemeName();
            host = target.getHostName();
            port = target.getPort();
            rule = ruleFor(target, wrapper);
            if (rule == null) {
                return request;
            }
        } catch (Throwable t) {
            return request;
        }
        CompletableFuture<String> value = rule.headerValueAsync(scheme, host, port);
        if (!value.isDone()) {
            throw new IOException("token-agent: no token at hand for " + scheme + "://" + host
                    + (port == -1 ? "" : ":" + port) + " on the client's I/O thread, which must not wait for it "
                    + "(a redirect hop); it is being fetched for the next request");
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

    /** The rule whose header this request to that target gets: none when unmatched, or when it has its own. */
    private static HeaderRule ruleFor(HttpHost target, HttpRequestWrapper request) {
        HeaderRule rule = TokenAgentBridge.match(target.getSchemeName(), target.getHostName(), target.getPort(),
                request.getURI().getRawPath());
        return rule == null || (!rule.overwrite() && request.containsHeader(rule.headerName())) ? null : rule;
    }
}
