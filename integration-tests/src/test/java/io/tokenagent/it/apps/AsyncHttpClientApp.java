package io.tokenagent.it.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.asynchttpclient.AsyncCompletionHandler;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.BoundRequestBuilder;
import org.asynchttpclient.DefaultAsyncHttpClientConfig;
import org.asynchttpclient.Dsl;
import org.asynchttpclient.Response;

/**
 * An application using AsyncHttpClient (compiled against 2.1, run against each tested version) with one I/O
 * thread, that knows nothing of tokens. Options before the URLs: {@code --header Name:Value}, {@code --threads N}
 * (that many of each request at once), {@code --sequential} (each URL once its previous one has its answer),
 * {@code --handler} (results through an {@code AsyncCompletionHandler}
 * rather than the returned future), {@code --system-proxy} (the JVM's {@code http.proxyHost} settings are used),
 * {@code --h2} (3.0: HTTP/2 through ALPN for {@code https}, h2c for {@code http}, trusting any certificate).
 * With {@code --from-event-loop URL}, that URL is requested first, and the others
 * are sent from its completion handler, on the client's I/O thread, all at once; each result then also says, as
 * {@code DONE <url>}, the order they completed in. Prints {@code STATUS <code> <body>} or
 * {@code ERROR <exception class>: <message> <- <cause's message>...}.
 */
public final class AsyncHttpClientApp {

    public static void main(String[] args) throws Exception {
        System.out.println("MAIN started");
        AppSupport options = AppSupport.parse(args, Set.of("--handler", "--system-proxy", "--h2", "--sequential"),
                Set.of("--from-event-loop"));
        List<String> headers = options.headers;
        List<String> urls = options.urls;
        int threads = options.threads;
        boolean handler = options.has("--handler");
        String first = options.value("--from-event-loop");
        DefaultAsyncHttpClientConfig.Builder config = withoutShutdownQuietPeriod(
                Dsl.config().setFollowRedirect(true).setIoThreadsCount(1)
                        .setUseProxyProperties(options.has("--system-proxy")));
        if (options.has("--h2")) {
            http2Only(config);
        }
        try (AsyncHttpClient client = Dsl.asyncHttpClient(config)) {
            List<CompletableFuture<String>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                for (String url : urls) {
                    results.add(new CompletableFuture<>());
                }
            }
            boolean viaHandler = handler;
            int copies = threads;
            Runnable send = () -> {
                for (int t = 0; t < copies; t++) {
                    for (int i = 0; i < urls.size(); i++) {
                        String url = urls.get(i);
                        CompletableFuture<String> result = results.get(t * urls.size() + i);
                        send(client, url, headers, viaHandler).whenComplete((line, e) -> {
                            synchronized (System.out) {
                                System.out.println("DONE " + url);
                            }
                            result.complete(line);
                        });
                    }
                }
            };
            if (first != null) {
                client.prepareGet(first).execute(new AsyncCompletionHandler<Response>() {
                    @Override
                    public Response onCompleted(Response response) {
                        System.out.println("ISSUED on " + Thread.currentThread().getName());
                        send.run();
                        return response;
                    }
                });
            } else if (options.has("--sequential")) {
                for (int i = 0; i < urls.size(); i++) {
                    results.get(i).complete(send(client, urls.get(i), headers, viaHandler).get());
                }
            } else {
                send.run();
            }
            for (CompletableFuture<String> result : results) {
                System.out.println(result.get());
            }
        }
    }

    private static CompletableFuture<String> send(AsyncHttpClient client, String url, List<String> headers,
            boolean viaHandler) {
        BoundRequestBuilder request;
        try {
            request = client.prepareGet(url);
        } catch (RuntimeException e) { // a URL the client cannot parse
            return CompletableFuture.completedFuture(error(e));
        }
        for (String header : headers) {
            int colon = header.indexOf(':');
            request.setHeader(header.substring(0, colon), header.substring(colon + 1));
        }
        if (!viaHandler) {
            return request.execute().toCompletableFuture().handle((response, e) -> e == null
                    ? "STATUS " + response.getStatusCode() + " " + response.getResponseBody() : error(e));
        }
        CompletableFuture<String> line = new CompletableFuture<>();
        request.execute(new AsyncCompletionHandler<Response>() {
            @Override
            public Response onCompleted(Response response) {
                line.complete("STATUS " + response.getStatusCode() + " " + response.getResponseBody());
                return response;
            }

            @Override
            public void onThrowable(Throwable t) {
                line.complete(error(t));
            }
        });
        return line;
    }

    static String error(Throwable e) {
        return AppSupport.describe(e);
    }

    /**
     * Netty's 2 s of quiet before the client's event loop stops, which every test would wait out at close, off:
     * an int of milliseconds before 3.0, a Duration since (called by name, compiled against 2.1).
     */
    /** AsyncHttpClient 3.0's HTTP/2 options, called by name (the application is compiled against 2.1). */
    private static void http2Only(DefaultAsyncHttpClientConfig.Builder config) throws ReflectiveOperationException {
        config.setUseInsecureTrustManager(true);
        for (String option : new String[] {"setHttp2Enabled", "setHttp2CleartextEnabled",
                "setDisableHttpsEndpointIdentificationAlgorithm"}) {
            config.getClass().getMethod(option, boolean.class).invoke(config, true);
        }
    }

    private static DefaultAsyncHttpClientConfig.Builder withoutShutdownQuietPeriod(
            DefaultAsyncHttpClientConfig.Builder config) throws ReflectiveOperationException {
        try {
            config.getClass().getMethod("setShutdownQuietPeriod", int.class).invoke(config, 0);
        } catch (NoSuchMethodException since30) {
            config.getClass().getMethod("setShutdownQuietPeriod", java.time.Duration.class)
                    .invoke(config, java.time.Duration.ZERO);
        }
        return config;
    }
}
