package io.tokenagent.it.apps;

import java.util.ArrayList;
import java.util.List;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;
import org.apache.http.entity.StringEntity;

/**
 * An application using Apache HttpClient 4 (compiled against 4.3, run against each tested version) that knows
 * nothing of tokens. Options before the URLs: {@code --header Name:Value}, {@code --threads N},
 * {@code --post BODY} (POST instead of GET). Prints {@code STATUS <code> <body>} or
 * {@code ERROR <exception class>: <message>} per request.
 */
public final class ApacheClassicApp {

    public static void main(String[] args) throws Exception {
        System.out.println("MAIN started");
        List<String> headers = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        int threads = 1;
        String post = null;
        boolean systemProxy = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--header" -> headers.add(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--post" -> post = args[++i];
                case "--system-proxy" -> systemProxy = true;
                default -> urls.add(args[i]);
            }
        }
        HttpClientBuilder builder = HttpClients.custom().setMaxConnTotal(64).setMaxConnPerRoute(64);
        if (systemProxy) {
            builder.useSystemProperties(); // http.proxyHost and friends, as HttpURLConnection honours them
        }
        try (CloseableHttpClient client = builder.build()) {
            String body = post;
            AppSupport.sendOnThreads(threads, urls, url -> send(client, url, headers, body));
        }
    }

    private static String send(CloseableHttpClient client, String url, List<String> headers, String post) {
        HttpRequestBase get = new HttpGet(url);
        if (post != null) {
            HttpPost withBody = new HttpPost(url);
            withBody.setEntity(new StringEntity(post, org.apache.http.entity.ContentType.TEXT_PLAIN));
            get = withBody;
        }
        for (String header : headers) {
            int colon = header.indexOf(':');
            get.setHeader(header.substring(0, colon), header.substring(colon + 1));
        }
        try (CloseableHttpResponse response = client.execute(get)) {
            return "STATUS " + response.getStatusLine().getStatusCode() + " " + EntityUtils.toString(response.getEntity());
        } catch (Exception e) {
            return "ERROR " + e.getClass().getName() + ": " + e.getMessage();
        }
    }
}
