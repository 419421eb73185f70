package io.tokenagent.instrumentation.apache.v4;

import io.tokenagent.bootstrap.HeaderPolicy;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.HeldRequest;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import org.apache.http.HttpException;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.concurrent.BasicFuture;
import org.apache.http.concurrent.FutureCallback;
import org.apache.http.nio.ContentEncoder;
import org.apache.http.nio.IOControl;
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

    private static final String NAME = "apache-httpasyncclient-4";

    private ApacheAsync4Hook() {
    }

    /**
     * At {@code execute(producer, consumer, context, callback)}: null to let the client go on (the hook's own
     * re-entry); else the exchange, started at once when no rule matches or the token is at hand, or the
     * application's future, completed by the exchange started once the token has arrived or failed with the
     * {@code on_failure=fail} error or whatever starting it threw (a client shut down meanwhile), which also reach
     * the callback. The application's producer generates its request once: the hook reads it, and the exchange
     * gets that same request.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Future<?> deferred(final HttpAsyncClient client, HttpAsyncRequestProducer producer,
            final HttpAsyncResponseConsumer consumer, final HttpContext context, FutureCallback callback) {
        if (producer instanceof GeneratedOnce) {
            return null;
        }
        final GeneratedOnce once = new GeneratedOnce(producer);
        HeaderRule rule = null;
        CompletableFuture<String> value = null;
        try {
            HttpHost target = producer.getTarget();
            HttpRequest request = once.generateAhead();
            rule = ruleFor(target, request, URI.create(request.getRequestLine().getUri()).getRawPath());
            if (rule != null) {
                value = rule.headerValueAsync(target.getSchemeName(), target.getHostName(), target.getPort());
            }
        } catch (Throwable t) {
            IOException error = TokenAgentBridge.hookFailed(NAME, rule, t);
            if (error != null) {
                BasicFuture<Object> failed = new BasicFuture<Object>(callback);
                failed.failed(error);
                return failed;
            }
        }
        if (value == null || value.isDone()) {
            return client.execute(once, consumer, context, callback);
        }
        final BasicFuture<Object> future = new BasicFuture<Object>(callback);
        new HeldRequest(NAME) {
            @Override
            protected void release(String header) {
                if (future.isDone()) {
                    return; // cancelled by the application meanwhile
                }
                client.execute(once, consumer, context, new FutureCallback<Object>() {
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

            @Override
            protected void fail(IOException cause) {
                future.failed(cause);
            }
        }.after(value);
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
            HeaderRule rule = ruleFor(target, request, request.getURI().getRawPath());
            if (rule != null) {
                value = rule.headerValueAsync(target.getSchemeName(), target.getHostName(), target.getPort());
            }
        } catch (Throwable t) {
            TokenAgentBridge.hookFailed(NAME, null, t); // the hop goes on; beforeSend decides about its header
        }
        if (value == null || value.isDone()) {
            sendHop(connection, handler);
            return;
        }
        new HeldRequest(NAME) {
            @Override
            protected void release(String header) throws IOException {
                sendHop(connection, handler);
            }

            @Override
            protected void fail(IOException cause) {
                handler.failed(cause); // as the reactor thread's exception would have
            }
        }.after(value);
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
            HeaderPolicy.removeInjected(new ApacheClassicHook.Headers(wrapper));
            HttpHost target = context.getTargetHost(); // this hop's: set for each request the exec prepares
            if (target == null) {
                target = context.getHttpRoute().getTargetHost();
            }
            scheme = target.getSchemeName();
            host = target.getHostName();
            port = target.getPort();
            rule = ruleFor(target, wrapper, wrapper.getURI().getRawPath());
            if (rule == null) {
                return request;
            }
        } catch (Throwable t) {
            TokenAgentBridge.hookFailed(NAME, null, t);
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
            throw HeldRequest.asIOException(e);
        }
        if (header != null) {
            wrapper.setHeader(rule.headerName(), header); // replaces any of that name: never twice
        }
        return request;
    }

    /** The rule whose header this request to that target gets: none when unmatched, or when it has its own. */
    private static HeaderRule ruleFor(HttpHost target, HttpRequest request, String rawPath) throws Exception {
        HeaderRule rule = TokenAgentBridge.match(target.getSchemeName(), target.getHostName(), target.getPort(),
                rawPath);
        return HeaderPolicy.applies(rule, new ApacheClassicHook.Headers(request)) ? rule : null;
    }

    /**
     * The application's producer, whose request the hook generates ahead to read its URL: the exchange's first
     * {@code generateRequest} gets that one, later ones (a retry) ask the producer again.
     */
    private static final class GeneratedOnce implements HttpAsyncRequestProducer {
        private final HttpAsyncRequestProducer producer;
        private volatile HttpRequest ahead;

        GeneratedOnce(HttpAsyncRequestProducer producer) {
            this.producer = producer;
        }

        HttpRequest generateAhead() throws IOException, HttpException {
            HttpRequest request = producer.generateRequest();
            ahead = request;
            return request;
        }

        @Override
        public HttpHost getTarget() {
            return producer.getTarget();
        }

        @Override
        public HttpRequest generateRequest() throws IOException, HttpException {
            HttpRequest request = ahead;
            if (request != null) {
                ahead = null;
                return request;
            }
            return producer.generateRequest();
        }

        @Override
        public void produceContent(ContentEncoder encoder, IOControl ioctrl) throws IOException {
            producer.produceContent(encoder, ioctrl);
        }

        @Override
        public void requestCompleted(HttpContext context) {
            producer.requestCompleted(context);
        }

        @Override
        public void failed(Exception ex) {
            producer.failed(ex);
        }

        @Override
        public boolean isRepeatable() {
            return producer.isRepeatable();
        }

        @Override
        public void resetRequest() throws IOException {
            producer.resetRequest();
        }

        @Override
        public void close() throws IOException {
            producer.close();
        }
    }
}
