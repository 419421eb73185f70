package io.tokenagent.token;

import io.tokenagent.matching.Ascii;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP call to a token endpoint, as every source makes it: no redirects followed, no caches, connecting within
 * {@code connect_timeout_ms}, and the whole response (status, headers and body) within {@code read_timeout_ms} of
 * being connected, at most {@value #MAX_BODY_BYTES} bytes. What may be worth another try (no connection, a
 * timeout, a broken connection) is an {@link AttemptFailure}; the status is the caller's to judge.
 */
final class EndpointCall {

    static final int MAX_BODY_BYTES = 64 * 1024;

    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final ResponseDeadline deadline;

    EndpointCall(int connectTimeoutMillis, int readTimeoutMillis, ResponseDeadline deadline) {
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        this.deadline = deadline;
    }

    /** The longest one call can take: connecting, then the whole response. */
    long maxMillis() {
        return (long) connectTimeoutMillis + readTimeoutMillis;
    }

    /**
     * @param headers request headers, in order
     * @param body a form body to POST, or null for a GET
     * @param proxy {@link Proxy#NO_PROXY} for managed-identity endpoints, which must never be reached through one
     */
    Response send(URL url, Map<String, String> headers, byte[] body, Proxy proxy) throws TokenException {
        return send(url, headers, body, proxy, null, null);
    }

    /**
     * The same over TLS settings of this call's own (a pinned certificate, a private CA), never the JVM's:
     * nothing else in the application's process trusts differently.
     *
     * @param tls the socket factory for an {@code https} URL, or null for the JVM's default
     * @param hosts the host name check for it, or null for the JVM's default
     */
    Response send(URL url, Map<String, String> headers, byte[] body, Proxy proxy, SSLSocketFactory tls,
            HostnameVerifier hosts) throws TokenException {
        HttpURLConnection connection = null;
        ResponseDeadline.Watch watch = null;
        try {
            connection = (HttpURLConnection) url.openConnection(proxy);
            if (connection instanceof HttpsURLConnection) {
                if (tls != null) {
                    ((HttpsURLConnection) connection).setSSLSocketFactory(tls);
                }
                if (hosts != null) {
                    ((HttpsURLConnection) connection).setHostnameVerifier(hosts);
                }
            }
            connection.setConnectTimeout(connectTimeoutMillis);
            connection.setReadTimeout(readTimeoutMillis);
            connection.setUseCaches(false);
            connection.setInstanceFollowRedirects(false);
            for (Map.Entry<String, String> header : headers.entrySet()) {
                connection.setRequestProperty(header.getKey(), header.getValue());
            }
            if (body != null) {
                connection.setRequestMethod("POST");
                // Not in streaming mode: there HttpURLConnection drops the body of a 401 (Entra ID's invalid_client
                // answer, whose error text the message needs). The body is a small form, buffered either way. Like
                // a GET, a POST is then sent once more on a new connection when the first breaks before the status
                // (sun.net.http.retryPost): harmless for a token request, and past the deadline its body is not read.
                connection.setDoOutput(true);
            }
            connection.connect();
            watch = deadline.watch(connection, readTimeoutMillis);
            if (body != null) {
                OutputStream out = connection.getOutputStream();
                try {
                    out.write(body);
                } finally {
                    out.close();
                }
            }
            int status = connection.getResponseCode();
            // The watch cuts a connection still waiting for its status and headers; from here the body's own
            // reads check the deadline (a disconnect now would first try to drain what is left of the body).
            watch.stop();
            String text = read(status < 400 ? connection.getInputStream() : connection.getErrorStream(),
                    watch.deadlineNanos);
            return new Response(status, text, connection.getHeaderFields());
        } catch (ConnectException e) {
            throw AttemptFailure.transientFailure("cannot connect: " + e.getMessage());
        } catch (SocketTimeoutException e) {
            throw AttemptFailure.transientFailure("timed out: " + e.getMessage());
        } catch (TokenException e) {
            throw e;
        } catch (IOException e) {
            if (watch != null && watch.expired()) {
                throw incomplete();
            }
            throw AttemptFailure.transientFailure(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            if (watch != null) {
                watch.stop();
            }
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private String read(InputStream in, long deadlineNanos) throws IOException, TokenException {
        if (in == null) {
            return "";
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) != -1; ) {
                out.write(buffer, 0, n);
                if (out.size() > MAX_BODY_BYTES) {
                    throw new AttemptFailure("response larger than " + MAX_BODY_BYTES + " bytes", false, false, 0);
                }
                if (System.nanoTime() - deadlineNanos > 0) {
                    throw incomplete();
                }
            }
            return new String(out.toByteArray(), StandardCharsets.UTF_8);
        } finally {
            in.close();
        }
    }

    private AttemptFailure incomplete() {
        return AttemptFailure.transientFailure("timed out: no complete response within " + readTimeoutMillis
                + " ms (read_timeout_ms)");
    }

    /** A status, a body and the headers. */
    static final class Response {
        final int status;
        final String body;
        private final Map<String, List<String>> headers;

        Response(int status, String body, Map<String, List<String>> headers) {
            this.status = status;
            this.body = body;
            this.headers = headers == null ? Collections.<String, List<String>>emptyMap() : headers;
        }

        /** A response header's first value, the name compared as ASCII without case; null when absent. */
        String header(String name) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey() != null && Ascii.equalsIgnoreCase(entry.getKey(), name)
                        && !entry.getValue().isEmpty()) {
                    return entry.getValue().get(0);
                }
            }
            return null;
        }
    }
}
