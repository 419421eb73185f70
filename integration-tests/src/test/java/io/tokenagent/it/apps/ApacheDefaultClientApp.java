package io.tokenagent.it.apps;

import java.util.Set;
import org.apache.http.HttpResponse;
import org.apache.http.client.HttpClient;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.ContentEncodingHttpClient;
import org.apache.http.impl.client.DecompressingHttpClient;
import org.apache.http.impl.client.DefaultHttpClient;
import org.apache.http.impl.client.SystemDefaultHttpClient;
import org.apache.http.util.EntityUtils;

/**
 * An application using Apache HttpClient 4's old API, {@code new DefaultHttpClient().execute(...)}, as code written
 * for 4.0 to 4.2 does (compiled against 4.3, using only API 4.0 has), that knows nothing of tokens. Options before
 * the URLs: {@code --header Name:Value}, {@code --threads N}, {@code --client system|content-encoding|decompressing}
 * (another client of the family instead of {@code DefaultHttpClient}; 4.1 or 4.2 and later). Prints {@code STATUS <code> <body>} or
 * {@code ERROR <exception class>: <message>} per request.
 */
public final class ApacheDefaultClientApp {

    public static void main(String[] args) throws Exception {
        System.out.println("MAIN started");
        AppSupport options = AppSupport.parse(args, Set.of(), Set.of("--client"));
        AppSupport.sendOnThreads(options.threads, options.urls, url -> send(url, options));
    }

    @SuppressWarnings("deprecation")
    private static String send(String url, AppSupport options) {
        // One per request: 4.0's pool allows 2 per host. Called through the interface, as 4.3 made the class's
        // own execute return a type 4.0 does not have.
        HttpClient client = client(options.has("--client") ? options.value("--client") : "default");
        try {
            HttpGet get = new HttpGet(url);
            for (String header : options.headers) {
                int colon = header.indexOf(':');
                get.setHeader(header.substring(0, colon), header.substring(colon + 1));
            }
            HttpResponse response = client.execute(get);
            return "STATUS " + response.getStatusLine().getStatusCode() + " "
                    + EntityUtils.toString(response.getEntity());
        } catch (Exception e) {
            return "ERROR " + e.getClass().getName() + ": " + e.getMessage();
        } finally {
            client.getConnectionManager().shutdown();
        }
    }

    @SuppressWarnings("deprecation")
    private static HttpClient client(String kind) {
        return switch (kind) {
            case "system" -> new SystemDefaultHttpClient();
            case "content-encoding" -> new ContentEncodingHttpClient();
            case "decompressing" -> new DecompressingHttpClient(new DefaultHttpClient());
            default -> new DefaultHttpClient();
        };
    }
}
