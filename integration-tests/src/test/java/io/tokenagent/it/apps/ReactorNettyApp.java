package io.tokenagent.it.apps;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
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
        AppSupport options = AppSupport.parse(args, Set.of("--from-event-loop", "--h2"), Set.of());
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
        if (options.has("--h2")) {
            HttpClient h2c = client.protocol(HttpProtocol.H2C);
            SslContext tls = trustingH2();
            HttpClient h2 = client.protocol(HttpProtocol.H2).secure(spec -> spec.sslContext(tls)
                    .handlerConfigurator(ReactorNettyApp::anyHostName));
            AppSupport.sendOnThreads(threads, urls, url -> get(url.startsWith("https:") ? h2 : h2c, url)
                    .block(Duration.ofSeconds(30)));
            return;
        }
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

    /** A client TLS context offering only h2 through ALPN and trusting the test server's self-signed certificate. */
    private static SslContext trustingH2() throws Exception {
        return SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2"))
                .build();
    }

    /** The test server's certificate names no IP address (Reactor Netty 1.1+ checks the host name). */
    private static void anyHostName(SslHandler handler) {
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm(null);
        engine.setSSLParameters(parameters);
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
