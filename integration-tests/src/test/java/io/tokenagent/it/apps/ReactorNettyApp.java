package io.tokenagent.it.apps;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

/**
 * An application using Reactor Netty's HttpClient (compiled against 1.0, run against each tested version) that
 * knows nothing of tokens. Options before the URLs: {@code --header Name:Value}, {@code --threads N}. With
 * {@code --from-event-loop}, the client has one event-loop thread and each URL is requested from that thread,
 * all at once; each result line then also says, as {@code DONE <url>}, the order they completed in.
 * Prints {@code STATUS <code> <body>} or {@code ERROR <exception class>: <message> <- <cause's message>...}.
 */
public final class ReactorNettyApp {

    public static void main(String[] args) throws Exception {
        System.out.println("MAIN started");
        AppSupport options = AppSupport.parse(args, Set.of("--from-event-loop"), Set.of());
        List<String> headers = options.headers;
        List<String> urls = options.urls;
        int threads = options.threads;
        boolean fromEventLoop = options.has("--from-event-loop");
        HttpClient client = HttpClient.create().followRedirect(true).headers(h -> {
            for (String header : headers) {
                int colon = header.indexOf(':');
                h.set(header.substring(0, colon), header.substring(colon + 1));
            }
        });
        if (fromEventLoop) {
            LoopResources loop = LoopResources.create("app-loop", 1, true);
            HttpClient onLoop = client.runOn(loop);
            List<CompletableFuture<String>> results = new ArrayList<>();
            for (String url : urls) {
                results.add(new CompletableFuture<>());
            }
            loop.onClient(true).next().execute(() -> {
                System.out.println("ISSUED on " + Thread.currentThread().getName());
                for (int i = 0; i < urls.size(); i++) {
                    String url = urls.get(i);
                    CompletableFuture<String> result = results.get(i);
                    get(onLoop, url).subscribe(line -> {
                        synchronized (System.out) {
                            System.out.println("DONE " + url);
                        }
                        result.complete(line);
                    });
                }
            });
            for (CompletableFuture<String> result : results) {
                System.out.println(result.get());
            }
            loop.dispose();
            return;
        }
        AppSupport.sendOnThreads(threads, urls, url -> get(client, url).block(Duration.ofSeconds(30)));
    }

    static Mono<String> get(HttpClient client, String url) {
        return client.get().uri(url).responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                .map(text -> "STATUS " + response.status().code() + " " + text))
                .onErrorResume(e -> Mono.just(error(e)));
    }

    static String error(Throwable e) {
        return AppSupport.describe(e);
    }
}
