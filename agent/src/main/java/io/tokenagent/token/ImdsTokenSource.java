package io.tokenagent.token;

import io.tokenagent.config.AgentConfig;
import io.tokenagent.config.Identity;
import io.tokenagent.logging.Durations;
import io.tokenagent.logging.Logs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Tokens from the Azure Instance Metadata Service, or any endpoint that speaks its protocol:
 * {@code GET {endpoint}?api-version=…&resource=…} with {@code Metadata: true}, never through a proxy. Retries
 * what IMDS says may be retried (404, 408, 410, 429, 5xx, connection failures) with backoff, within a bounded
 * time; never 400, 401 or 403.
 */
public final class ImdsTokenSource implements TokenSource {

    private static final Logger log = Logs.get(ImdsTokenSource.class);
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** IMDS answers 410 while it updates, for up to 70 s: keep trying at least that long. */
    private static final long GONE_RETRY_MILLIS = 70000;

    private final URI endpoint;
    private final String apiVersion;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final long retryTimeoutMillis;
    private final LongSupplier clock;
    private final Backoff backoff;

    public ImdsTokenSource(URI endpoint, String apiVersion, int connectTimeoutMillis, int readTimeoutMillis,
            long retryTimeoutMillis, LongSupplier clock, Backoff backoff) {
        this.endpoint = endpoint;
        this.apiVersion = apiVersion;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        this.retryTimeoutMillis = retryTimeoutMillis;
        this.clock = clock;
        this.backoff = backoff;
    }

    public static ImdsTokenSource create(AgentConfig config) {
        return new ImdsTokenSource(config.endpoint(), config.apiVersion(), config.connectTimeoutMillis(),
                config.readTimeoutMillis(), config.retryTimeoutMillis(), SystemClock.INSTANCE, Backoff.DEFAULT);
    }

    @Override
    public String describe() {
        return "IMDS " + endpoint;
    }

    @Override
    public AccessToken fetch(TokenRequest request) throws TokenException {
        URL url = requestUrl(request);
        long start = clock.getAsLong();
        long deadline = start + retryTimeoutMillis;
        for (int attempt = 1; ; attempt++) {
            Failure failure;
            try {
                return attempt(url, request);
            } catch (Failure f) {
                failure = f;
            }
            if (failure.gone) {
                deadline = Math.max(deadline, start + GONE_RETRY_MILLIS);
            }
            long delay = Math.max(backoff.delayMillis(attempt), failure.retryAfterMillis);
            long now = clock.getAsLong();
            if (!failure.retryable || now + delay > deadline) {
                String tries = attempt == 1 ? "" : "gave up after " + attempt + " attempts in "
                        + Durations.seconds(now - start) + ": ";
                throw new TokenException(describe() + ": " + tries + failure.getMessage() + " (" + request + ")",
                        failure.retryable);
            }
            log.debug("{}: attempt {} failed ({}); trying again in {} ms", describe(), attempt, failure.getMessage(),
                    delay);
            try {
                backoff.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TokenException(describe() + ": interrupted while waiting to retry (" + request + ")", true);
            }
        }
    }

    private AccessToken attempt(URL url, TokenRequest request) throws Failure, TokenException {
        HttpURLConnection connection = null;
        try {
            // IMDS must never be reached through a proxy, whatever the JVM's proxy settings say.
            connection = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
            connection.setConnectTimeout(connectTimeoutMillis);
            connection.setReadTimeout(readTimeoutMillis);
            connection.setUseCaches(false);
            connection.setInstanceFollowRedirects(false);
            connection.setRequestProperty("Metadata", "true");
            connection.setRequestProperty("Accept", "application/json");
            int status = connection.getResponseCode();
            String body = read(status < 400 ? connection.getInputStream() : connection.getErrorStream());
            if (status == 200) {
                AccessToken token = TokenResponseParser.parseToken(body, clock.getAsLong(), describe());
                log.debug("{}: token for {}, expires in {} s, {}", describe(), request,
                        (token.expiresAtMillis() - token.obtainedAtMillis()) / 1000, token.fingerprint());
                return token;
            }
            String cause = "HTTP " + status + " " + TokenResponseParser.describeError(body);
            throw new Failure(cause, isRetryable(status), status == 410,
                    retryAfterMillis(connection.getHeaderField("Retry-After")));
        } catch (ConnectException e) {
            throw new Failure("cannot connect: " + e.getMessage(), true, false, 0);
        } catch (SocketTimeoutException e) {
            throw new Failure("timed out: " + e.getMessage(), true, false, 0);
        } catch (TokenException e) {
            throw e;
        } catch (IOException e) {
            throw new Failure(e.getClass().getSimpleName() + ": " + e.getMessage(), true, false, 0);
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    static boolean isRetryable(int status) {
        return status == 404 || status == 408 || status == 410 || status == 429 || status >= 500;
    }

    /** {@code Retry-After} as seconds or an HTTP date; 0 when absent or unreadable. */
    long retryAfterMillis(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(header.trim()) * 1000);
        } catch (NumberFormatException e) {
            try {
                SimpleDateFormat format = new SimpleDateFormat("EEE, dd MMM yyyy HH:mm:ss zzz", Locale.US);
                return Math.max(0, format.parse(header.trim()).getTime() - clock.getAsLong());
            } catch (java.text.ParseException notDate) {
                return 0;
            }
        }
    }

    private static String read(InputStream in) throws IOException, TokenException {
        if (in == null) {
            return "";
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) != -1; ) {
                out.write(buffer, 0, n);
                if (out.size() > MAX_BODY_BYTES) {
                    throw new Failure("response larger than " + MAX_BODY_BYTES + " bytes", false, false, 0);
                }
            }
            return new String(out.toByteArray(), StandardCharsets.UTF_8);
        } finally {
            in.close();
        }
    }

    private URL requestUrl(TokenRequest request) {
        StringBuilder query = new StringBuilder();
        String existing = endpoint.getRawQuery();
        if (existing != null && !existing.isEmpty()) {
            query.append(existing).append('&');
        }
        query.append("api-version=").append(encode(apiVersion));
        query.append("&resource=").append(encode(request.resource()));
        Identity identity = request.identity();
        if (identity.kind() != Identity.Kind.SYSTEM_ASSIGNED) {
            query.append('&').append(identity.kind().parameter()).append('=').append(encode(identity.value()));
        }
        if (request.authority() != null) {
            query.append("&authority=").append(encode(request.authority()));
        }
        String base = endpoint.toString();
        int cut = base.indexOf('?');
        try {
            return new URL((cut < 0 ? base : base.substring(0, cut)) + "?" + query);
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException("the configured endpoint was checked at start", e);
        }
    }

    private static String encode(String value) {
        try {
            return URLEncoder.encode(value, "UTF-8");
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is required of every JVM", e);
        }
    }

    /** One failed attempt: what happened, and whether and when it is worth trying again. */
    private static final class Failure extends TokenException {
        private static final long serialVersionUID = 1L;
        final boolean retryable;
        final boolean gone;
        final long retryAfterMillis;

        Failure(String message, boolean retryable, boolean gone, long retryAfterMillis) {
            super(message, retryable);
            this.retryable = retryable;
            this.gone = gone;
            this.retryAfterMillis = retryAfterMillis;
        }
    }
}
