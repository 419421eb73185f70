package io.tokenagent.it.apps;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application using Vert.x's HttpClient, or its WebClient with {@code --webclient} (compiled against 4.0, run
 * against 4.x and 5.x: only the API both have). Options before the URLs: {@code --header Name:Value},
 * {@code --threads N} (that many of each request at once), {@code --sequential} (each URL once its previous one has
 * its answer), {@code --h2} (HTTP/2 only: h2c with prior knowledge
 * for {@code http}, h2 through ALPN for {@code https}, trusting any certificate). With {@code --from-event-loop} the requests are sent
 * from an event-loop context that also runs a 100 ms periodic timer; each result then also says, as
 * {@code DONE <url> after <n> ticks}, the order they completed in. Prints {@code STATUS <code> <body>} or
 * {@code ERROR <exception class>: <message> <- <cause's message>...}.
 */
public final class VertxApp {

    public static void main(String[] args) throws Exception {
        System.out.println("MAIN started");
        AppSupport options = AppSupport.parse(args, Set.of("--from-event-loop", "--webclient", "--h2", "--sequential"),
                Set.of());
        List<String> headers = options.headers;
        List<String> urls = options.urls;
        int threads = options.threads;
        boolean fromEventLoop = options.has("--from-event-loop");
        boolean webClient = options.has("--webclient");
        Vertx vertx = Vertx.vertx();
        HttpClientOptions clientOptions = new HttpClientOptions();
        if (options.has("--h2")) {
            clientOptions.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false).setUseAlpn(true)
                    .setTrustAll(true).setVerifyHost(false);
        }
        // Vert.x 5 returns a subtype here: called by name so one compiled application runs on both.
        HttpClient client = (HttpClient) Vertx.class.getMethod("createHttpClient", HttpClientOptions.class)
                .invoke(vertx, clientOptions);
        WebClient web = WebClient.create(vertx);
        boolean viaWebClient = webClient;
        List<CompletableFuture<String>> results = new ArrayList<>();
        AtomicInteger ticks = new AtomicInteger();
        Runnable send = () -> {
            for (String url : urls) {
                CompletableFuture<String> result = new CompletableFuture<>();
                results.add(result);
                Future<String> line = viaWebClient ? viaWebClient(web, url, headers) : viaHttpClient(client, url, headers);
                line.onComplete(done -> {
                    String text = done.succeeded() ? done.result() : error(done.cause());
                    synchronized (System.out) {
                        System.out.println("DONE " + url + " after " + ticks.get() + " ticks");
                    }
                    result.complete(text);
                });
            }
        };
        if (fromEventLoop) {
            Context context = vertx.getOrCreateContext();
            CompletableFuture<Void> sent = new CompletableFuture<>();
            context.runOnContext(v -> {
                vertx.setPeriodic(100, id -> ticks.incrementAndGet());
                System.out.println("ISSUED on " + Thread.currentThread().getName());
                send.run();
                sent.complete(null);
            });
            sent.join();
        } else if (options.has("--sequential")) {
            for (String url : urls) {
                CompletableFuture<String> result = new CompletableFuture<>();
                results.add(result);
                (viaWebClient ? viaWebClient(web, url, headers) : viaHttpClient(client, url, headers))
                        .onComplete(done -> result.complete(done.succeeded() ? done.result() : error(done.cause())));
                result.join();
            }
        } else {
            for (int t = 0; t < threads; t++) {
                send.run();
            }
        }
        for (CompletableFuture<String> result : results) {
            System.out.println(result.join());
        }
        // Closed before main returns, as a container stops an application before it drops the loader: Vert.x's
        // event loops are not daemon threads, and a closed loader cannot load the classes their shutdown needs.
        CompletableFuture<Void> closed = new CompletableFuture<>();
        vertx.close().onComplete(done -> closed.complete(null));
        closed.join();
    }

    private static Future<String> viaHttpClient(HttpClient client, String url, List<String> headers) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                .setFollowRedirects(true);
        for (String header : headers) {
            int colon = header.indexOf(':');
            options.putHeader(header.substring(0, colon), header.substring(colon + 1));
        }
        return client.request(options).compose(request -> request.send())
                .compose(response -> response.body().map(body -> "STATUS " + response.statusCode() + " " + body));
    }

    private static Future<String> viaWebClient(WebClient web, String url, List<String> headers) {
        var request = web.getAbs(url).followRedirects(true);
        for (String header : headers) {
            int colon = header.indexOf(':');
            request.putHeader(header.substring(0, colon), header.substring(colon + 1));
        }
        return request.send().map(response -> "STATUS " + response.statusCode() + " " + response.bodyAsString());
    }

    static String error(Throwable e) {
        return AppSupport.describe(e);
    }
}
