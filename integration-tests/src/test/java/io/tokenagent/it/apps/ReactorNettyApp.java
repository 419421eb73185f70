package io.tokenagent.it.apps;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
        List<String> headers = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        int threads = 1;
        boolean fromEventLoop = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--header" -> headers.add(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--from-event-loop" -> fromEventLoop = true;
                default -> urls.add(args[i]);
            }
        }
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
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (String url : urls) {
                    String line = get(client, url).block(Duration.ofSeconds(30));
                    synchronized (System.out) {
                        System.out.println(line);
                    }
                }
            });
            thread.start();
            started.add(thread);
        }
        start.countDown();
        for (Thread thread : started) {
            thread.join();
        }
    }

    static Mono<String> get(HttpClient client, String url) {
        return client.get().uri(url).responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                .map(text -> "STATUS " + response.status().code() + " " + text))
                .onErrorResume(e -> Mono.just(error(e)));
    }

    static String error(Throwable e) {
        StringBuilder text = new StringBuilder("ERROR " + e.getClass().getName() + ": " + e.getMessage());
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            text.append(" <- ").append(cause.getMessage());
        }
        return text.toString();
    }
}
