package io.tokenagent.it.apps;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * An application that knows nothing of tokens. It sends requests with the client named by the first argument
 * ({@code urlconnection}, {@code httpclient}, {@code httpclient-async}, {@code httpclient-h2}) and prints one line
 * per request: {@code STATUS <code> <body>} or {@code ERROR <exception class>: <message>}. The HTTP client
 * variants also print {@code PROTOCOL <version>} after each response, so that a test can tell HTTP/2 was used.
 *
 * <p>Options before the URLs: {@code --header Name:Value} (set by the application itself), {@code --threads N}
 * (send every URL from N threads released together), {@code --repeat N --interval MS} (send the URLs N times),
 * {@code --method M --body TEXT}, {@code --buffered-body} (HttpURLConnection buffers the body instead of streaming
 * it with a fixed length), {@code --insecure} (trust any TLS certificate and host name),
 * {@code --system-proxy} (the HTTP client uses {@code ProxySelector.getDefault()}; HttpURLConnection always does),
 * {@code --same-request} (the HTTP client builds one {@code HttpRequest} per URL and sends that same object every
 * time, then prints {@code APP-HEADERS <headers the application's request object holds>}), {@code --wait MS}
 * (sleep before the first request), {@code --shutdown-executor-after MS} (the HTTP client runs on an executor of the
 * application's, shut down that long after start), {@code --timed} (after each result, {@code TOOK <ms> ms}: how long the
 * application waited for it).
 */
public final class ClientApp {

    private static final Map<String, HttpRequest> SAME_REQUESTS = new LinkedHashMap<>();

    private static String client;
    private static final List<String> headers = new ArrayList<>();
    private static String method = "GET";
    private static String body;
    private static boolean insecure;
    private static boolean bufferedBody;
    private static boolean sameRequest;
    private static boolean timed;
    private static HttpClient httpClient;
    private static SSLContext trustAll;

    public static void main(String[] args) throws Exception {
        System.out.println("MAIN started");
        client = args[0];
        List<String> urls = new ArrayList<>();
        int threads = 1;
        int repeat = 1;
        long interval = 0;
        long wait = 0;
        boolean systemProxy = false;
        boolean directExecutor = false;
        long shutdownExecutorAfter = -1;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--header" -> headers.add(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--interval" -> interval = Long.parseLong(args[++i]);
                case "--method" -> method = args[++i];
                case "--body" -> body = args[++i];
                case "--buffered-body" -> bufferedBody = true;
                case "--insecure" -> insecure = true;
                case "--system-proxy" -> systemProxy = true;
                case "--same-request" -> sameRequest = true;
                case "--timed" -> timed = true;
                case "--wait" -> wait = Long.parseLong(args[++i]);
                case "--direct-executor" -> directExecutor = true;
                case "--shutdown-executor-after" -> shutdownExecutorAfter = Long.parseLong(args[++i]);
                default -> urls.add(args[i]);
            }
        }
        if (insecure) {
            trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new TrustAll()}, null);
        }
        HttpClient.Builder builder = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .version(client.equals("httpclient-h2") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
        if (insecure) {
            builder.sslContext(trustAll);
        }
        if (systemProxy) {
            builder.proxy(ProxySelector.getDefault());
        }
        if (directExecutor) {
            builder.executor(Runnable::run); // the client's work then runs on the caller and its selector thread
        }
        if (shutdownExecutorAfter >= 0) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
            builder.executor(pool);
            long after = shutdownExecutorAfter;
            Thread shutdown = new Thread(() -> {
                try {
                    Thread.sleep(after);
                } catch (InterruptedException e) {
                    return;
                }
                pool.shutdown(); // the client's executor then rejects what it is given
            });
            shutdown.setDaemon(true);
            shutdown.start();
        }
        httpClient = builder.build();
        if (wait > 0) {
            Thread.sleep(wait);
        }
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
                        String lines = send(url);
                        synchronized (System.out) {
                            System.out.println(lines);
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

    private static String send(String url) {
        long started = System.nanoTime();
        String lines;
        try {
            lines = client.equals("urlconnection") ? urlConnection(url) : httpClient(url);
        } catch (Throwable e) {
            lines = error(e);
        }
        return timed ? lines + "\nTOOK " + (System.nanoTime() - started) / 1_000_000 + " ms" : lines;
    }

    private static String error(Throwable e) {
        Throwable shown = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return "ERROR " + shown.getClass().getName() + ": " + shown.getMessage();
    }

    private static String urlConnection(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        if (insecure && connection instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(trustAll.getSocketFactory());
            https.setHostnameVerifier((host, session) -> true);
        }
        connection.setRequestMethod(method);
        for (String header : headers) {
            int colon = header.indexOf(':');
            connection.setRequestProperty(header.substring(0, colon), header.substring(colon + 1));
        }
        if (body != null) {
            connection.setDoOutput(true);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (!bufferedBody) {
                connection.setFixedLengthStreamingMode(bytes.length);
            }
            try (OutputStream out = connection.getOutputStream()) {
                out.write(bytes);
            }
        }
        int status = connection.getResponseCode();
        InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return "STATUS " + status + " " + text;
    }

    private static HttpRequest request(String url) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url));
        for (String header : headers) {
            int colon = header.indexOf(':');
            builder.header(header.substring(0, colon), header.substring(colon + 1));
        }
        if (method.equals("GET") && body == null) {
            builder.GET();
        } else {
            builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
        }
        return builder.build();
    }

    private static String httpClient(String url) throws Exception {
        HttpRequest request;
        if (sameRequest) {
            synchronized (SAME_REQUESTS) {
                request = SAME_REQUESTS.computeIfAbsent(url, ClientApp::request);
            }
        } else {
            request = request(url);
        }
        HttpResponse<String> response;
        if (client.equals("httpclient-async")) {
            CompletableFuture<HttpResponse<String>> future;
            long started = System.nanoTime();
            try {
                future = httpClient.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            } catch (Throwable e) {
                // sendAsync must report failures through its future, never by throwing
                return "ERROR thrown-by-sendAsync " + error(e);
            }
            long returnedMillis = (System.nanoTime() - started) / 1_000_000;
            response = future.get();
            System.out.println("SENDASYNC returned after " + returnedMillis + " ms");
        } else {
            response = httpClient.send(request, HttpResponse.BodyHandlers.ofString());
        }
        String lines = "STATUS " + response.statusCode() + " " + response.body() + "\nPROTOCOL " + response.version();
        if (sameRequest) {
            lines += "\nAPP-HEADERS " + new TreeMap<>(request.headers().map());
        }
        return lines;
    }

    /** Trusts any certificate and, being an extended trust manager, checks no host name either. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
