package io.tokenagent.it.apps;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

/**
 * An application that knows nothing of tokens. It sends GET requests with the client named by the first argument
 * ({@code urlconnection}, {@code httpclient}, {@code httpclient-async}, {@code httpclient-h2}) and prints one line
 * per request: {@code STATUS <code> <body>} or {@code ERROR <exception class>: <message>}.
 *
 * <p>Options before the URLs: {@code --header Name:Value} (set by the application itself), {@code --threads N}
 * (send every URL from N threads released together), {@code --repeat N --interval MS} (send the URLs N times).
 */
public final class ClientApp {

    public static void main(String[] args) throws Exception {
        System.out.println("MAIN started");
        String client = args[0];
        List<String> headers = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        int threads = 1;
        int repeat = 1;
        long interval = 0;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--header" -> headers.add(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--interval" -> interval = Long.parseLong(args[++i]);
                default -> urls.add(args[i]);
            }
        }
        HttpClient httpClient = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .version(client.equals("httpclient-h2") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .build();
        for (int r = 0; r < repeat; r++) {
            if (r > 0) {
                Thread.sleep(interval);
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
                        String line = send(client, httpClient, url, headers);
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
        System.out.flush();
    }

    private static String send(String client, HttpClient httpClient, String url, List<String> headers) {
        try {
            return client.equals("urlconnection") ? urlConnection(url, headers) : httpClient(client, httpClient, url,
                    headers);
        } catch (Throwable e) {
            Throwable shown = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return "ERROR " + shown.getClass().getName() + ": " + shown.getMessage();
        }
    }

    private static String urlConnection(String url, List<String> headers) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        for (String header : headers) {
            int colon = header.indexOf(':');
            connection.setRequestProperty(header.substring(0, colon), header.substring(colon + 1));
        }
        int status = connection.getResponseCode();
        InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return "STATUS " + status + " " + body;
    }

    private static String httpClient(String client, HttpClient httpClient, String url, List<String> headers)
            throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url));
        for (String header : headers) {
            int colon = header.indexOf(':');
            builder.header(header.substring(0, colon), header.substring(colon + 1));
        }
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        if (client.equals("httpclient-async")) {
            CompletableFuture<HttpResponse<String>> future =
                    httpClient.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            response = future.get();
        } else {
            response = httpClient.send(request, HttpResponse.BodyHandlers.ofString());
        }
        return "STATUS " + response.statusCode() + " " + response.body();
    }
}
