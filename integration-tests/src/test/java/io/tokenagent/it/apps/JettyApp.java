package io.tokenagent.it.apps;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * An application using Jetty's HttpClient, 9.4 to 12. Jetty 12 moved the API to other packages and replaced
 * {@code header(name, value)} with {@code headers(consumer)}, and one test module cannot compile against both, so
 * this calls the (same-named) API by reflection. Options before the URLs: {@code --header Name:Value},
 * {@code --threads N} (that many of each request at once), {@code --async} (each request sent with a completion
 * listener rather than the blocking {@code send()}). With {@code --async} each result also says, as
 * {@code DONE <url>}, the order they completed in. Prints {@code STATUS <code> <body>} ({@code <body>} is
 * {@code -} for async sends) or {@code ERROR <exception class>: <message> <- <cause's message>...}.
 */
public final class JettyApp {

    private static final boolean JETTY_12 = !present("org.eclipse.jetty.client.api.Request");
    private static final String API = JETTY_12 ? "org.eclipse.jetty.client." : "org.eclipse.jetty.client.api.";

    public static void main(String[] args) throws Exception {
        System.out.println("MAIN started");
        AppSupport options = AppSupport.parse(args, Set.of("--async"), Set.of());
        List<String> headers = options.headers;
        List<String> urls = options.urls;
        int threads = options.threads;
        boolean async = options.has("--async");
        Class<?> clientClass = Class.forName("org.eclipse.jetty.client.HttpClient");
        Object client = clientClass.getConstructor().newInstance();
        clientClass.getMethod("setFollowRedirects", boolean.class).invoke(client, true);
        clientClass.getMethod("setMaxConnectionsPerDestination", int.class).invoke(client, 64);
        clientClass.getMethod("start").invoke(client);
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            for (String url : urls) {
                Object request = clientClass.getMethod("newRequest", String.class).invoke(client, url);
                for (String header : headers) {
                    int colon = header.indexOf(':');
                    setHeader(request, header.substring(0, colon), header.substring(colon + 1));
                }
                results.add(async ? sendAsync(request, url) : CompletableFuture.supplyAsync(() -> send(request)));
            }
        }
        for (CompletableFuture<String> result : results) {
            System.out.println(result.get());
        }
        clientClass.getMethod("stop").invoke(client);
    }

    private static void setHeader(Object request, String name, String value) throws Exception {
        Class<?> requestApi = Class.forName(API + "Request");
        if (!JETTY_12) {
            requestApi.getMethod("header", String.class, String.class).invoke(request, name, value);
            return;
        }
        Method put = Class.forName("org.eclipse.jetty.http.HttpFields$Mutable").getMethod("put", String.class,
                String.class);
        Consumer<Object> consumer = fields -> {
            try {
                put.invoke(fields, name, value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
        requestApi.getMethod("headers", Consumer.class).invoke(request, consumer);
    }

    private static String send(Object request) {
        try {
            Object response = Class.forName(API + "Request").getMethod("send").invoke(request);
            Class<?> contentResponse = Class.forName(API + "ContentResponse");
            return "STATUS " + Class.forName(API + "Response").getMethod("getStatus").invoke(response) + " "
                    + contentResponse.getMethod("getContentAsString").invoke(response);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable thrown = e.getCause();
            return error(thrown instanceof ExecutionException && thrown.getCause() != null ? thrown : thrown);
        } catch (ReflectiveOperationException e) {
            return error(e);
        }
    }

    private static CompletableFuture<String> sendAsync(Object request, String url) throws Exception {
        CompletableFuture<String> line = new CompletableFuture<>();
        Class<?> listenerType = Class.forName(API + "Response$CompleteListener");
        Object listener = Proxy.newProxyInstance(JettyApp.class.getClassLoader(), new Class<?>[] {listenerType},
                (proxy, method, args) -> {
                    if (method.getName().equals("onComplete")) {
                        Object result = args[0];
                        Throwable failure = (Throwable) result.getClass().getMethod("getFailure").invoke(result);
                        Object response = result.getClass().getMethod("getResponse").invoke(result);
                        synchronized (System.out) {
                            System.out.println("DONE " + url);
                        }
                        line.complete(failure != null ? error(failure) : "STATUS "
                                + Class.forName(API + "Response").getMethod("getStatus").invoke(response) + " -");
                        return null;
                    }
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("equals") ? proxy == args[0]
                                : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "listener";
                    }
                    return null; // other listener callbacks (Jetty 12 has default methods): nothing to do
                });
        Class.forName(API + "Request").getMethod("send", listenerType).invoke(request, listener);
        return line;
    }

    static String error(Throwable e) {
        return AppSupport.describe(e);
    }

    private static boolean present(String name) {
        try {
            Class.forName(name);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
