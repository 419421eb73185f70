import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for an old application nobody can rebuild: it calls an HTTP API with plain HttpURLConnection and
 * knows nothing of tokens, Azure or the agent.
 */
public class LegacyApp {
    public static void main(String[] args) throws Exception {
        for (String url : args) {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            int status = connection.getResponseCode();
            try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                String text = body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
                System.out.println("app: GET " + url + " -> " + status + " " + text.trim());
            }
        }
    }
}
