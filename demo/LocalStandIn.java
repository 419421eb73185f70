import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's stand-ins, on loopback: a token endpoint that answers like Azure IMDS (/metadata/identity/oauth2/token)
 * and a protected resource (/api/...) that reports the Authorization header it received. Writes its port to the
 * file named by the first argument, then serves until killed.
 */
public class LocalStandIn {
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metadata/identity/oauth2/token", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            System.out.println("token endpoint: GET ?" + query + " (Metadata: "
                    + exchange.getRequestHeaders().getFirst("Metadata") + ")");
            long expiresOn = System.currentTimeMillis() / 1000 + 3600;
            respond(exchange, 200, "{\"access_token\":\"demo-token-for-" + query.hashCode()
                    + "\",\"expires_in\":\"3600\",\"expires_on\":\"" + expiresOn
                    + "\",\"token_type\":\"Bearer\",\"resource\":\"https://demo.example\"}");
        });
        server.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            System.out.println("resource: " + exchange.getRequestMethod() + " " + exchange.getRequestURI()
                    + " received Authorization: " + (auth == null ? "(none)" : auth));
            respond(exchange, auth == null ? 401 : 200, auth == null ? "no token" : "hello, caller with a token");
        });
        server.start();
        Files.writeString(Path.of(args[0]), Integer.toString(server.getAddress().getPort()));
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
