package io.tokenagent.instrumentation.jetty;

import io.tokenagent.bootstrap.HeaderPolicy;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.HeldRequest;
import io.tokenagent.bootstrap.RequestHeaders;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Called first by Jetty's {@code HttpDestination.send} (see {@link JettyInstrumentation}) for every request the
 * client sends, each redirect hop and authentication retry included, before it is queued for a connection. Jetty's
 * API is asynchronous (its blocking {@code send()} waits on a listener) and redirects are sent from its I/O
 * threads, so no thread waits here: a request whose token is not cached is sent on, through the same method, once
 * the token has arrived; a failure aborts the request, which Jetty reports to its listeners and as the
 * {@code ExecutionException} of the blocking {@code send()}.
 *
 * <p>One hook for Jetty 9.4 to 12, whose request and header APIs differ in types but not in names: it calls them
 * reflectively, through methods looked up once per class loader (each loader holds its own copy of this class).
 */
public final class JettyHook {

    private static volatile Api api;

    private static final String NAME = "jetty";

    private JettyHook() {
    }

    /** Jetty 9.4 to 11: {@code HttpDestination.send(HttpRequest, List<ResponseListener>)}. */
    public static boolean deferred(Object destination, Object request, Object listeners) {
        return deferred(destination, request, listeners, true);
    }

    /** Jetty 12: {@code HttpDestination.send(HttpRequest)}. */
    public static boolean deferred(Object destination, Object request) {
        return deferred(destination, request, null, false);
    }

    private static boolean deferred(final Object destination, final Object request, final Object listeners,
            boolean withListeners) {
        Api jetty = null;
        HeaderRule matched = null;
        String scheme;
        String host;
        int port;
        try {
            jetty = api(destination, request, withListeners);
            Headers headers = new Headers(jetty, request);
            HeaderPolicy.removeInjected(headers);
            scheme = (String) jetty.getScheme.invoke(request);
            host = (String) jetty.getHost.invoke(request);
            port = (Integer) jetty.getPort.invoke(request);
            matched = TokenAgentBridge.match(scheme, host, port, (String) jetty.getPath.invoke(request));
            if (!HeaderPolicy.applies(matched, headers)) {
                return false;
            }
        } catch (Throwable t) {
            IOException error = TokenAgentBridge.hookFailed(NAME, matched, t);
            if (error != null && jetty != null) {
                jetty.abort(request, error); // on_failure=fail: fails as it is sent, never without its header
            }
            return false; // never break a request because of the agent's plumbing
        }
        final Api client = jetty;
        final HeaderRule rule = matched;
        CompletableFuture<String> value = rule.headerValueAsync(scheme, host, port);
        if (value.isDone()) {
            try {
                client.set(request, rule.headerName(), value.join());
            } catch (CompletionException e) {
                client.abort(request, HeldRequest.asIOException(e));
            }
            return false; // sent as usual; an aborted request fails with the agent's error before it leaves
        }
        new HeldRequest(NAME) {
            @Override
            protected void release(String header) throws Exception {
                client.set(request, rule.headerName(), header);
                client.resend(destination, request, listeners);
            }

            @Override
            protected void fail(IOException cause) throws Exception {
                client.abort(request, cause);
                client.resend(destination, request, listeners); // Jetty reports the abort as the request goes
            }
        }.after(value);
        return true;
    }

    private static Api api(Object destination, Object request, boolean withListeners) throws Exception {
        Api found = api;
        if (found == null) {
            found = new Api(destination, request, withListeners);
            api = found;
        }
        return found;
    }

    /**
     * A Jetty request's headers, for {@link HeaderPolicy}: Jetty copies an earlier hop's headers, the agent's
     * included, onto the next hop's request.
     */
    private static final class Headers implements RequestHeaders {
        private final Api jetty;
        private final Object request;

        Headers(Api jetty, Object request) {
            this.jetty = jetty;
            this.request = request;
        }

        @Override
        public List<String> values(String name) throws Exception {
            return jetty.values(request, name);
        }

        @Override
        public void remove(String name) {
            jetty.set(request, name, null);
        }
    }

    /** The Jetty methods the hook uses, for the version in this class loader. */
    private static final class Api {
        final Method getScheme;
        final Method getHost;
        final Method getPort;
        final Method getPath;
        final Method getHeaders;
        final Method getValuesList;
        final Method abort;
        /** 9.4 to 11: {@code Request.header(name, value)}, which adds, or removes all of a name for null. */
        final Method header;
        /** 12: {@code Request.headers(Consumer<HttpFields.Mutable>)}, with the mutable fields' own methods. */
        final Method headers;
        final Method mutableRemove;
        final Method mutablePut;
        final Method send;

        Api(Object destination, Object request, boolean withListeners) throws Exception {
            ClassLoader loader = request.getClass().getClassLoader();
            Class<?> requestApi = withListeners ? Class.forName("org.eclipse.jetty.client.api.Request", false, loader)
                    : Class.forName("org.eclipse.jetty.client.Request", false, loader);
            Class<?> fields = Class.forName("org.eclipse.jetty.http.HttpFields", false, loader);
            getScheme = requestApi.getMethod("getScheme");
            getHost = requestApi.getMethod("getHost");
            getPort = requestApi.getMethod("getPort");
            getPath = requestApi.getMethod("getPath");
            getHeaders = requestApi.getMethod("getHeaders");
            getValuesList = fields.getMethod("getValuesList", String.class);
            abort = requestApi.getMethod("abort", Throwable.class);
            if (withListeners) {
                header = requestApi.getMethod("header", String.class, String.class);
                headers = null;
                mutableRemove = null;
                mutablePut = null;
            } else {
                Class<?> mutable = Class.forName("org.eclipse.jetty.http.HttpFields$Mutable", false, loader);
                header = null;
                headers = requestApi.getMethod("headers", Consumer.class);
                mutableRemove = mutable.getMethod("remove", String.class);
                mutablePut = mutable.getMethod("put", String.class, String.class);
            }
            // By full name: another class of the same simple name (an application's subclass) is not Jetty's.
            String transport = withListeners ? "org.eclipse.jetty.client." : "org.eclipse.jetty.client.transport.";
            Class<?> destinationClass = Class.forName(transport + "HttpDestination", false, loader);
            Class<?> requestClass = Class.forName(transport + "HttpRequest", false, loader);
            send = withListeners ? destinationClass.getDeclaredMethod("send", requestClass, List.class)
                    : destinationClass.getDeclaredMethod("send", requestClass);
            send.setAccessible(true);
        }

        @SuppressWarnings("unchecked")
        List<String> values(Object request, String name) throws Exception {
            return (List<String>) getValuesList.invoke(getHeaders.invoke(request), name);
        }

        /** Replaces every header of that name with the value (none for null): never twice. */
        void set(Object request, final String name, final String value) {
            try {
                if (header != null) {
                    header.invoke(request, name, null);
                    if (value != null) {
                        header.invoke(request, name, value);
                    }
                    return;
                }
                headers.invoke(request, new Consumer<Object>() {
                    @Override
                    public void accept(Object mutable) {
                        try {
                            mutableRemove.invoke(mutable, name);
                            if (value != null) {
                                mutablePut.invoke(mutable, name, value);
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
            } catch (Exception e) {
                throw new IllegalStateException("token-agent: cannot set " + name + " on a Jetty request", e);
            }
        }

        void abort(Object request, IOException failure) {
            try {
                abort.invoke(request, failure);
            } catch (Exception e) {
                TokenAgentBridge.hookFailed(NAME, null, e); // the request then goes on without the header
            }
        }

        void resend(Object destination, Object request, Object listeners) throws Exception {
            if (listeners != null) {
                send.invoke(destination, request, listeners);
            } else {
                send.invoke(destination, request);
            }
        }
    }
}
