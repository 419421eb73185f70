package io.tokenagent.token;

import java.text.SimpleDateFormat;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A managed-identity endpoint's answer other than 200, as one failed attempt: the status and the service's own
 * error text, retried as IMDS says (404, 408, 410, 429 and 5xx; never 400, 401 or 403), after what
 * {@code Retry-After} asks for. Every managed-identity protocol documents the same transient statuses.
 */
final class StatusFailure {

    private StatusFailure() {
    }

    static AttemptFailure of(EndpointCall.Response response, long nowMillis) {
        return of(response, nowMillis, Collections.<String>emptyList());
    }

    /**
     * @param sent the secrets the request carried: an endpoint (or whatever answers in its place) may echo one in
     *     its error text, which is quoted, so each is taken out of the body first
     */
    static AttemptFailure of(EndpointCall.Response response, long nowMillis, List<String> sent) {
        String body = response.body;
        for (String secret : sent) {
            body = secret.isEmpty() ? body : body.replace(secret, "(redacted)");
        }
        return new AttemptFailure("HTTP " + response.status + " " + TokenResponseParser.describeError(body),
                isRetryable(response.status), response.status == 410,
                retryAfterMillis(response.header("Retry-After"), nowMillis));
    }

    static boolean isRetryable(int status) {
        return status == 404 || status == 408 || status == 410 || status == 429 || status >= 500;
    }

    /** {@code Retry-After} as seconds or an HTTP date; 0 when absent or unreadable. */
    static long retryAfterMillis(String header, long nowMillis) {
        if (header == null) {
            return 0;
        }
        String value = header.trim();
        if (!value.isEmpty() && value.length() <= 9 && isDigits(value)) {
            return Long.parseLong(value) * 1000;
        }
        try {
            SimpleDateFormat format = new SimpleDateFormat("EEE, dd MMM yyyy HH:mm:ss zzz", Locale.US);
            return Math.max(0, format.parse(value).getTime() - nowMillis);
        } catch (java.text.ParseException notDate) {
            return 0;
        }
    }

    private static boolean isDigits(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
