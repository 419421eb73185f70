package io.tokenagent.instrumentation.httpclient;

import io.tokenagent.bootstrap.HeaderPolicy;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.HeldRequest;
import io.tokenagent.bootstrap.RequestHeaders;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Called by the JDK's HTTP client (see {@link JdkHttpClientInstrumentation}). Defined in the platform class
 * loader beside {@code java.net.http}; references only the JDK and the bridge.
 */
public final class JdkHttpClientHook {

    /** {@code HttpRequestImpl.setSystemHeader(String, String)}: internal, exported to this module at start. */
    private static final MethodHandle SET_SYSTEM_HEADER = setSystemHeader();
    /** Sets {@code HttpRequestImpl.userHeaders}, the application's headers as one exchange will send them. */
    private static final MethodHandle SET_USER_HEADERS = setUserHeaders();

    /** {@code Response.request()}, {@code statusCode()} and {@code headers()}, and the request's system headers. */
    private static final MethodHandle[] RESPONSE = responseAccess();
    /** {@code HttpRequestImpl.newInstanceForAuthentication}: the copy the client makes to answer a challenge. */
    private static final MethodHandle NEW_FOR_AUTHENTICATION = newForAuthentication();
    /** The requests the hook sent once more after a 401, so that none is sent a third time; weakly held. */
    private static final Set<HttpRequest> REPLAYS = Collections.newSetFromMap(
            Collections.synchronizedMap(new WeakHashMap<HttpRequest, Boolean>()));

    private static final String NAME = "java.net.http";

    private JdkHttpClientHook() {
    }

    private static MethodHandle setSystemHeader() {
        try {
            MethodHandle handle = MethodHandles.lookup().findVirtual(
                    Class.forName("jdk.internal.net.http.HttpRequestImpl"), "setSystemHeader",
                    MethodType.methodType(void.class, String.class, String.class));
            return handle.asType(handle.type().changeParameterType(0, HttpRequest.class));
        } catch (Throwable t) {
            TokenAgentBridge.hookFailed(NAME, null, t);
            return null; // the hook then does nothing, rather than fail every request
        }
    }

    private static MethodHandle setUserHeaders() {
        try {
            Field field = Class.forName("jdk.internal.net.http.HttpRequestImpl").getDeclaredField("userHeaders");
            field.setAccessible(true); // the package is opened to this hook alone
            MethodHandle handle = MethodHandles.lookup().unreflectSetter(field);
            return handle.asType(handle.type().changeParameterType(0, HttpRequest.class));
        } catch (Throwable t) {
            TokenAgentBridge.hookFailed(NAME, null, t);
            return null; // overwrite then leaves the application's header in place rather than fail requests
        }
    }

    private static MethodHandle[] responseAccess() {
        try {
            Class<?> response = Class.forName("jdk.internal.net.http.Response");
            Class<?> request = Class.forName("jdk.internal.net.http.HttpRequestImpl");
            Class<?> builder = Class.forName("jdk.internal.net.http.common.HttpHeadersBuilder");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(response, MethodHandles.lookup());
            MethodHandle systemHeaders = MethodHandles.filterReturnValue(
                    MethodHandles.privateLookupIn(request, MethodHandles.lookup())
                            .findVirtual(request, "getSystemHeadersBuilder", MethodType.methodType(builder)),
                    MethodHandles.privateLookupIn(builder, MethodHandles.lookup()).findVirtual(builder, "build", MethodType.methodType(HttpHeaders.class)));
            return new MethodHandle[] {
                lookup.findVirtual(response, "request", MethodType.methodType(request))
                        .asType(MethodType.methodType(HttpRequest.class, Object.class)),
                lookup.findVirtual(response, "statusCode", MethodType.methodType(int.class))
                        .asType(MethodType.methodType(int.class, Object.class)),
                lookup.findVirtual(response, "headers", MethodType.methodType(HttpHeaders.class))
                        .asType(MethodType.methodType(HttpHeaders.class, Object.class)),
                systemHeaders.asType(MethodType.methodType(HttpHeaders.class, HttpRequest.class))};
        } catch (Throwable t) {
            TokenAgentBridge.hookFailed(NAME, null, t);
            return null; // no 401 recovery then, rather than fail requests
        }
    }

    private static MethodHandle newForAuthentication() {
        try {
            Class<?> request = Class.forName("jdk.internal.net.http.HttpRequestImpl");
            return MethodHandles.lookup().findStatic(request, "newInstanceForAuthentication",
                    MethodType.methodType(request, request))
                    .asType(MethodType.methodType(HttpRequest.class, HttpRequest.class));
        } catch (Throwable t) {
            TokenAgentBridge.hookFailed(NAME, null, t);
            return null;
        }
    }

    /**
     * At the end of an exchange's response filters, when none asked for another exchange ({@code next} null): a 401
     * to the agent's token is reported, and when the agent says so the exchange's request is sent once more, as
     * the client's own authentication does, with a fresh copy on which {@link #beforeExchange} puts the new token.
     *
     * @param response the client's internal response
     * @return the request of the next exchange, or null for none: the response goes to the application
     */
    public static HttpRequest afterResponse(HttpRequest next, Object response) {
        if (next != null || RESPONSE == null || NEW_FOR_AUTHENTICATION == null) {
            return next;
        }
        try {
            if ((int) RESPONSE[1].invokeExact(response) != 401) {
                return null;
            }
            final HttpRequest request = (HttpRequest) RESPONSE[0].invokeExact(response);
            final HttpHeaders sent = (HttpHeaders) RESPONSE[3].invokeExact(request);
            HttpHeaders headers = (HttpHeaders) RESPONSE[2].invokeExact(response);
            boolean hasBody = request.bodyPublisher().map(p -> p.contentLength() != 0).orElse(false);
            boolean replay = HeaderPolicy.replayAfter(NAME, match(request.uri()), new RequestHeaders() {
                @Override
                public List<String> values(String name) {
                    return sent.allValues(name);
                }

                @Override
                public void remove(String name) {
                    throw new UnsupportedOperationException("read only");
                }
            }, 401, headers.allValues("WWW-Authenticate"), request.method(), hasBody);
            if (!replay || REPLAYS.remove(request)) {
                return null;
            }
            HttpRequest again = (HttpRequest) NEW_FOR_AUTHENTICATION.invokeExact(request);
            REPLAYS.add(again);
            return again;
        } catch (Throwable t) {
            TokenAgentBridge.hookFailed(NAME, null, t);
            return null;
        }
    }

    /**
     * Adds the agent's header to the client's internal request for one exchange, when its URL is matched. Under
     * {@code overwrite}, the application's own header is taken off that exchange first (the client lets an
     * application header win over a system one): this internal request is the exchange's own copy, made for the
     * first attempt and for each redirect hop, so the application's request object is never changed.
     *
     * @throws IOException only the documented {@code on_failure=fail} error, when no token can be had
     */
    public static void beforeExchange(HttpRequest request) throws IOException {
        if (SET_SYSTEM_HEADER == null) {
            return;
        }
        URI uri;
        HeaderRule rule = null;
        Headers headers = new Headers(request);
        try {
            uri = request.uri();
            rule = match(uri);
            if (!HeaderPolicy.applies(rule, headers)) {
                return;
            }
        } catch (Throwable t) {
            HeaderPolicy.failOrGoOn(NAME, rule, t); // on_failure=fail: never sent bare once matched
            return; // never break a request because of the agent's plumbing
        }
        String value = rule.headerValue(uri.getScheme(), uri.getHost(), uri.getPort());
        if (value == null) {
            return;
        }
        try {
            headers.remove(rule.headerName()); // the client would let the application's win over a system header
            SET_SYSTEM_HEADER.invokeExact(request, rule.headerName(), value);
        } catch (Throwable t) {
            HeaderPolicy.failOrGoOn(NAME, rule, t); // on_failure=fail: never sent bare once matched
        }
    }

    /**
     * At {@code sendAsync}: when the request's URL is matched and its token is not at hand, returns a future that
     * sends the request once the token has arrived (the application's future, failing with the
     * {@code on_failure=fail} error if none can be had). Returns null to let the client send at once, as it does
     * whenever the token is cached. Without this, the exchange would wait for the fetch in its request filters, on
     * whatever thread runs them: with an application's direct executor, the caller of {@code sendAsync} or the
     * client's selector thread.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static CompletableFuture<?> deferUntilToken(final HttpClient client, final HttpRequest request,
            final HttpResponse.BodyHandler handler, final HttpResponse.PushPromiseHandler pushHandler,
            Executor executor) {
        CompletableFuture<String> value;
        HeaderRule rule = null;
        try {
            URI uri = request.uri();
            rule = match(uri);
            if (!HeaderPolicy.applies(rule, new Headers(request))) {
                return null;
            }
            value = rule.headerValueAsync(uri.getScheme(), uri.getHost(), uri.getPort());
            if (value.isDone()) {
                return null;
            }
        } catch (Throwable t) {
            IOException error = TokenAgentBridge.hookFailed(NAME, rule, t);
            return error == null ? null : CompletableFuture.failedFuture(error);
        }
        final CompletableFuture<Object> response = new CompletableFuture<Object>();
        new HeldRequest(NAME) {
            @Override
            protected void release(String header) {
                if (response.isDone()) {
                    return; // cancelled by the application meanwhile
                }
                // Sent again from the start: the token is cached now, so this time it goes straight through.
                CompletableFuture<Object> sent = client.sendAsync(request, handler, pushHandler);
                sent.whenComplete((r, failure) -> {
                    if (failure != null) {
                        response.completeExceptionally(failure);
                    } else {
                        response.complete(r);
                    }
                });
            }

            @Override
            protected void fail(IOException cause) {
                response.completeExceptionally(cause);
            }
        }.after(value);
        return response;
    }

    /**
     * The application's headers on the client's internal request for one exchange, for {@link HeaderPolicy}.
     * Removing one takes it off that exchange only: the application's request object is never changed.
     */
    private static final class Headers implements RequestHeaders {
        private final HttpRequest request;

        Headers(HttpRequest request) {
            this.request = request;
        }

        @Override
        public List<String> values(String name) {
            return request.headers().allValues(name);
        }

        @Override
        public void remove(String name) throws Exception {
            if (SET_USER_HEADERS == null || values(name).isEmpty()) {
                return; // overwrite then leaves the application's header in place (see setUserHeaders)
            }
            try {
                SET_USER_HEADERS.invokeExact(request, HttpHeaders.of(request.headers().map(),
                        (header, headerValue) -> !header.equalsIgnoreCase(name)));
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    private static HeaderRule match(URI uri) {
        return TokenAgentBridge.match(uri.getScheme(), uri.getHost(), uri.getPort(), uri.getRawPath());
    }
}
