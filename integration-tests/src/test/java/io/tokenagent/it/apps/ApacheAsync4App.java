package io.tokenagent.it.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.http.HttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.concurrent.FutureCallback;
import org.apache.http.impl.nio.client.CloseableHttpAsyncClient;
import org.apache.http.impl.nio.client.HttpAsyncClients;
import org.apache.http.impl.nio.reactor.IOReactorConfig;
import org.apache.http.util.EntityUtils;

/**
 * An application using Apache HttpAsyncClient 4.1 (compiled against 4.1, run against each tested version) with
 * one I/O reactor thread, that knows nothing of tokens. Options before the URLs: {@code --header Name:Value},
 * {@code --threads N} (that many of each request at once), {@code --handler} (results through a
 * {@code FutureCallback} rather than the returned future's {@code get}). With {@code --from-event-loop URL}, that
 * URL is requested first and the others are sent from its callback, on the reactor thread, all at once; each result
 * then also says, as {@code DONE <url>}, the order they completed in. With {@code --close-after MS}, the client is
 * closed that long after the requests were sent. Prints {@code STATUS <code> <body>} or
 * {@code ERROR <exception class>: <message> <- <cause's message>...}.
 */
public final class ApacheAsync4App {

    private static final long STARTED = System.nanoTime();

    public static void main(String[] args) throws Exception {
        System.out.println("MAIN started");
        AppSupport options = AppSupport.parse(args, Set.of("--handler"), Set.of("--from-event-loop", "--close-after"));
        List<String> headers = options.headers;
        List<String> urls = options.urls;
        int threads = options.threads;
        boolean handler = options.has("--handler");
        String first = options.value("--from-event-loop");
        try (CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                .setDefaultIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build()).build()) {
            client.start();
            List<CompletableFuture<String>> results = new ArrayList<>();
            int copies = threads;
            boolean viaHandler = handler;
            Runnable send = () -> {
                for (int t = 0; t < copies; t++) {
                    for (String url : urls) {
                        CompletableFuture<String> result = new CompletableFuture<>();
                        synchronized (results) {
                            results.add(result);
                        }
                        send(client, url, headers, viaHandler).whenComplete((line, e) -> {
                            synchronized (System.out) {
                                System.out.println("DONE " + url);
                                System.out.println("AT " + (System.nanoTime() - STARTED) / 1_000_000 + " ms " + url);
                            }
                            result.complete(line);
                        });
                    }
                }
            };
            if (first != null) {
                CompletableFuture<Void> sent = new CompletableFuture<>();
                client.execute(new HttpGet(first), new FutureCallback<HttpResponse>() {
                    @Override
                    public void completed(HttpResponse response) {
                        System.out.println("ISSUED on " + Thread.currentThread().getName());
                        System.out.println("AT " + (System.nanoTime() - STARTED) / 1_000_000 + " ms issued");
                        send.run();
                        sent.complete(null);
                    }

                    @Override
                    public void failed(Exception e) {
                        sent.completeExceptionally(e);
                    }

                    @Override
                    public void cancelled() {
                        sent.cancel(false);
                    }
                });
                sent.get();
            } else {
                send.run();
            }
            if (options.has("--close-after")) {
                Thread.sleep(Long.parseLong(options.value("--close-after")));
                client.close(); // while the requests' token is still being fetched
            }
            for (CompletableFuture<String> result : results) {
                System.out.println(result.get());
            }
        }
    }

    private static CompletableFuture<String> send(CloseableHttpAsyncClient client, String url, List<String> headers,
            boolean viaHandler) {
        HttpGet request = new HttpGet(url);
        for (String header : headers) {
            int colon = header.indexOf(':');
            request.setHeader(header.substring(0, colon), header.substring(colon + 1));
        }
        CompletableFuture<String> line = new CompletableFuture<>();
        FutureCallback<HttpResponse> callback = new FutureCallback<>() {
            @Override
            public void completed(HttpResponse response) {
                try {
                    line.complete("STATUS " + response.getStatusLine().getStatusCode() + " "
                            + EntityUtils.toString(response.getEntity()));
                } catch (java.io.IOException e) {
                    line.complete(error(e));
                }
            }

            @Override
            public void failed(Exception e) {
                line.complete(error(e));
            }

            @Override
            public void cancelled() {
                line.complete("ERROR cancelled");
            }
        };
        if (viaHandler) {
            client.execute(request, callback);
        } else {
            java.util.concurrent.Future<HttpResponse> future = client.execute(request, null);
            CompletableFuture.runAsync(() -> {
                try {
                    callback.completed(future.get());
                } catch (ExecutionException e) {
                    line.complete(error(e.getCause()));
                } catch (InterruptedException e) {
                    line.complete(error(e));
                }
            });
        }
        return line;
    }

    static String error(Throwable e) {
        return AppSupport.describe(e);
    }
}
