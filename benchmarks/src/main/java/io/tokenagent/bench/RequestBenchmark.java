package io.tokenagent.bench;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One loopback GET, read to the end, with each JDK client (HttpClient both ways: {@code send} and
 * {@code sendAsync}) and one event-loop client (Reactor Netty). Run twice by {@link RunAll}: in a JVM without the
 * agent ({@code header-by-app}: the application sets the same header itself; {@code unmatched}) and in a JVM with
 * it ({@code header-by-agent}: a matched URL with the token cached; {@code unmatched}). Setup checks that the
 * server sees the header exactly when it should.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RequestBenchmark {

    @Param({"header-by-app", "header-by-agent", "unmatched"})
    public String mode;

    private String url;
    private String appHeader;
    private HttpClient client;
    private HttpRequest request;
    private reactor.netty.http.client.HttpClient reactorClient;

    @Setup
    public void setUp() throws Exception {
        String base = System.getProperty("bench.base");
        url = base + (mode.equals("unmatched") ? "/public/x" : "/api/x");
        appHeader = mode.equals("header-by-app") ? "Bearer " + LocalServers.TOKEN : null;
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url));
        if (appHeader != null) {
            builder.header("Authorization", appHeader);
        }
        request = builder.build();
        reactorClient = reactor.netty.http.client.HttpClient.create();
        if (appHeader != null) {
            reactorClient = reactorClient.headers(h -> h.set("Authorization", appHeader));
        }
        String expected = mode.equals("unmatched") ? "auth:no" : "auth:yes";
        for (String body : new String[] {urlConnection(), httpClient(), httpClientAsync(), reactorNetty()}) {
            if (!body.equals(expected)) {
                throw new IllegalStateException(mode + ": the server saw " + body + ", not " + expected
                        + "; is the agent attached as the run intends?");
            }
        }
    }

    @Benchmark
    public String urlConnection() throws Exception {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        if (appHeader != null) {
            connection.setRequestProperty("Authorization", appHeader);
        }
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    public String httpClient() throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * An event-loop client (Reactor Netty, under Spring's WebClient): the agent's header is set by its hook in
     * Netty's request encoder, on the event loop; the caller only waits for the result.
     */
    @Benchmark
    public String reactorNetty() {
        return reactorClient.get().uri(url).responseSingle((response, body) -> body.asString()).block();
    }

    /** The asynchronous API: the exchange runs on the client's executor and selector, the caller only joins. */
    @Benchmark
    public String httpClientAsync() {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(HttpResponse::body).join();
    }
}
