package io.tokenagent.it.apps;

import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * An application using Apache HttpClient 5 classic (compiled against 5.0, run against each tested version) that knows
 * nothing of tokens. Options before the URLs: {@code --header Name:Value}, {@code --threads N},
 * {@code --post BODY} (POST instead of GET). Prints {@code STATUS <code> <body>} or
 * {@code ERROR <exception class>: <message>} per request.
 */
public final class Apache5ClassicApp {

    public static void main(String[] args) throws Exception {
        System.out.println("MAIN started");
        List<String> headers = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        int threads = 1;
        String post = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--header" -> headers.add(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--post" -> post = args[++i];
                default -> urls.add(args[i]);
            }
        }
        try (CloseableHttpClient client = HttpClients.custom().setConnectionManager(pool()).build()) {
            String body = post;
            AppSupport.sendOnThreads(threads, urls, url -> send(client, url, headers, body));
        }
    }

    private static String send(CloseableHttpClient client, String url, List<String> headers, String post) {
        HttpUriRequestBase get = new HttpGet(url);
        if (post != null) {
            HttpPost withBody = new HttpPost(url);
            withBody.setEntity(new StringEntity(post));
            get = withBody;
        }
        for (String header : headers) {
            int colon = header.indexOf(':');
            get.setHeader(header.substring(0, colon), header.substring(colon + 1));
        }
        try (CloseableHttpResponse response = client.execute(get)) {
            return "STATUS " + response.getCode() + " " + EntityUtils.toString(response.getEntity());
        } catch (Exception e) {
            return "ERROR " + e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager pool() {
        org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager pool =
                new org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager();
        pool.setMaxTotal(64);
        pool.setDefaultMaxPerRoute(64);
        return pool;
    }
}
