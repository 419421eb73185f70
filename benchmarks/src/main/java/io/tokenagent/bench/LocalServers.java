package io.tokenagent.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The benchmarks' loopback servers, in the runner's process: an IMDS-style token endpoint ({@code /token}) that
 * hands out a long-lived token of a realistic length, and an API ({@code /api/...} and {@code /public/...}) that
 * answers {@code auth:yes} or {@code auth:no}, so that a benchmark can check it measures what it says.
 */
public final class LocalServers implements AutoCloseable {

    /** About the length of a real Entra ID access token. */
    public static final String TOKEN = "eyJ" + "x".repeat(1400);

    private final HttpServer server;
    private final ExecutorService executor;

    public LocalServers() throws IOException {
        // Without it, the JDK server's responses meet the client's delayed ACK and every request takes ~40 ms of
        // waiting, which would drown what the benchmarks measure.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/token", exchange -> respond(exchange, "{\"access_token\":\"" + TOKEN
                + "\",\"expires_in\":\"86400\",\"token_type\":\"Bearer\"}"));
        server.createContext("/", exchange -> respond(exchange,
                exchange.getRequestHeaders().containsKey("Authorization") ? "auth:yes" : "auth:no"));
        server.start();
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The agent argument string that makes {@code /api} a matched path. */
    public String agentArgs() {
        return "endpoint=" + base() + "/token,match=" + base() + "/api,resource=https://bench.example,log_level=warn";
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
