package io.tokenagent.it.apps;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * An application using OkHttp (compiled against 3.12, run against each tested version up to 5.x) that knows
 * nothing of tokens. Options before the URLs: {@code --header Name:Value}, {@code --threads N}, {@code --enqueue}
 * (asynchronous calls, whose result comes to a {@link Callback}), {@code --post BODY} (POST instead of GET). Prints {@code STATUS <code> <body>} or
 * {@code ERROR <exception class>: <message>} per request.
 */
public final class OkHttpApp {

    public static void main(String[] args) throws Exception {
        System.out.println("MAIN started");
        AppSupport options = AppSupport.parse(args, Set.of("--enqueue"), Set.of("--post"));
        List<String> headers = options.headers;
        List<String> urls = options.urls;
        int threads = options.threads;
        boolean enqueue = options.has("--enqueue");
        OkHttpClient client = new OkHttpClient.Builder().build();
        client.dispatcher().setMaxRequestsPerHost(64);
        String post = options.value("--post");
        AppSupport.sendOnThreads(threads, urls, url -> enqueue ? enqueue(client, request(url, headers, post))
                : execute(client, request(url, headers, post)));
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    private static Request request(String url, List<String> headers, String post) {
        Request.Builder builder = new Request.Builder().url(url);
        if (post != null) {
            builder.post(new RequestBody() { // the same source from OkHttp 3 to 5, whose factory methods differ
                @Override
                public MediaType contentType() {
                    return null;
                }

                @Override
                public void writeTo(okio.BufferedSink sink) throws IOException {
                    sink.writeUtf8(post);
                }
            });
        }
        for (String header : headers) {
            int colon = header.indexOf(':');
            builder.header(header.substring(0, colon), header.substring(colon + 1));
        }
        return builder.build();
    }

    private static String execute(OkHttpClient client, Request request) {
        try (Response response = client.newCall(request).execute()) {
            return "STATUS " + response.code() + " " + response.body().string();
        } catch (Exception e) {
            return "ERROR " + e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static String enqueue(OkHttpClient client, Request request) {
        CompletableFuture<String> line = new CompletableFuture<>();
        client.newCall(request).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                line.complete("ERROR " + e.getClass().getName() + ": " + e.getMessage());
            }

            @Override
            public void onResponse(Call call, Response response) throws IOException {
                try (Response r = response) {
                    line.complete("STATUS " + r.code() + " " + r.body().string());
                }
            }
        });
        return line.join();
    }
}
