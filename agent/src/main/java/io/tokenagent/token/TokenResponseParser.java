package io.tokenagent.token;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tokenagent.config.JsonText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a token endpoint's JSON body: a token response, or an error's code and text. Accepts every field as a
 * string or a number, and the gateway envelope {@code {"success":…,"data":{…}}} or {@code {"error":{code,message}}}.
 * Never puts the token in a message.
 */
final class TokenResponseParser {

    private TokenResponseParser() {
    }

    /**
     * @param receivedAtMillis when the response arrived, the base for {@code expires_in} and {@code refresh_in}
     * @throws TokenException (not retryable) naming what is wrong with the response
     */
    static AccessToken parseToken(String body, long receivedAtMillis) throws TokenException {
        Map<String, String> fields = fields(body);
        String token = fields.get("access_token");
        if (token == null || token.isEmpty()) {
            throw new TokenException("response has no access_token", false);
        }
        // The token goes into a header as it is (some clients' own header checks are bypassed on the way): a
        // line break from a broken or hostile endpoint must never become a second header.
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new TokenException("access_token has a character not allowed in a header (at "
                        + i + ")", false);
            }
        }
        String type = fields.get("token_type");
        if (type != null && !type.equalsIgnoreCase("Bearer")) {
            throw new TokenException("token_type is \"" + excerpt(type) + "\", not Bearer", false);
        }
        String expiresIn = fields.get("expires_in");
        String expiresOn = fields.get("expires_on");
        if (expiresIn == null && expiresOn == null) {
            throw new TokenException("response has no expiry: expires_in and expires_on missing", false);
        }
        long expiresAt = expiry(expiresIn == null ? -1 : receivedAtMillis
                + seconds(expiresIn, "expires_in") * 1000,
                expiresOn == null ? -1 : epochSeconds(expiresOn) * 1000, receivedAtMillis);
        if (expiresAt <= receivedAtMillis) {
            throw new TokenException("the token it returned has already expired", false);
        }
        if (expiresAt - receivedAtMillis > MAX_LIFETIME_MILLIS) {
            throw new TokenException("the token it returned is said to live "
                    + (expiresAt - receivedAtMillis) / 86400000 + " days: not a believable lifetime, not cached", false);
        }
        String refreshIn = fields.get("refresh_in");
        long refreshInMillis = refreshIn == null ? -1 : seconds(refreshIn, "refresh_in") * 1000;
        return new AccessToken(token, receivedAtMillis, expiresAt, refreshInMillis);
    }

    /**
     * The service's own error code and text from an error body, e.g. {@code invalid_request: Identity not found}.
     * Nothing else of the body is quoted: an endpoint (or whatever answers in its place) may echo a secret.
     */
    static String describeError(String body) {
        if (body == null || body.trim().isEmpty()) {
            return "empty body";
        }
        Map<String, String> fields;
        try {
            fields = fields(body);
        } catch (TokenException e) {
            return "(a body that is not a JSON object: " + size(body) + ")";
        }
        String code = first(fields, "error", "error.code", "code", "statusCode");
        String text = first(fields, "error_description", "error.message", "message");
        if (code == null && text == null) {
            return "(a JSON body without error or error_description: " + size(body) + ")";
        }
        // App Service's errors carry a correlation id (its "message" is often vague): what its support asks for.
        String correlation = first(fields, "correlationId", "correlation_id");
        return excerpt((code == null ? "" : code) + (code != null && text != null ? ": " : "")
                + (text == null ? "" : text)) + (correlation == null ? ""
                        : " (correlation id " + excerpt(correlation) + ")");
    }

    /** One top-level field of a JSON object as text (e.g. the identity a response names), or null. */
    static String field(String body, String name) throws TokenException {
        return fields(body).get(name);
    }

    /** How big a body was and a fingerprint to tell bodies apart, for messages that must not quote it. */
    private static String size(String body) {
        return body.getBytes(StandardCharsets.UTF_8).length + " bytes, " + AccessToken.fingerprint(body);
    }

    private static String first(Map<String, String> fields, String... keys) {
        for (String key : keys) {
            if (fields.get(key) != null) {
                return fields.get(key);
            }
        }
        return null;
    }

    /** The scalar fields of the object (of {@code data} when wrapped), with {@code error.code} style nesting. */
    private static Map<String, String> fields(String body) throws TokenException {
        Map<String, String> fields = new HashMap<String, String>();
        try {
            JsonParser parser = JsonText.parser(body);
            try {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new TokenException("response is not a JSON object (" + size(body) + ")", false);
                }
                readObject(parser, "", fields);
            } finally {
                parser.close();
            }
        } catch (IOException e) {
            throw new TokenException("response is not valid JSON (" + size(body) + ")", false);
        }
        if ("true".equals(fields.get("success"))) {
            Map<String, String> data = new HashMap<String, String>();
            for (Map.Entry<String, String> entry : fields.entrySet()) {
                if (entry.getKey().startsWith("data.")) {
                    data.put(entry.getKey().substring(5), entry.getValue());
                }
            }
            return data;
        }
        return fields;
    }

    private static void readObject(JsonParser parser, String prefix, Map<String, String> fields)
            throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = prefix + parser.getCurrentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.START_OBJECT) {
                if (prefix.isEmpty()) {
                    readObject(parser, name + ".", fields);
                } else {
                    parser.skipChildren();
                }
            } else if (value == JsonToken.START_ARRAY) {
                parser.skipChildren();
            } else if (value != JsonToken.VALUE_NULL) {
                fields.put(name, parser.getText());
            }
        }
    }

    /** Longer than any Azure access token lives (a day at most): a lifetime beyond it is an endpoint's mistake. */
    static final long MAX_LIFETIME_MILLIS = 7L * 24 * 3600 * 1000;
    /**
     * The earlier of {@code received + expires_in} (relative, immune to clock skew) and {@code expires_on} (the
     * endpoint's clock), with one exception: an {@code expires_on} already past beside an {@code expires_in} still
     * to come says the two clocks disagree (this one is ahead), and believing it would make every fresh token look
     * expired, so that the next request fetches again without end. Then the relative expiry is used.
     *
     * @param relative {@code received + expires_in}, or -1 when absent
     * @param absolute {@code expires_on} in epoch millis, or -1 when absent
     * @param received when the response arrived
     */
    static long expiry(long relative, long absolute, long received) {
        if (relative < 0) {
            return absolute;
        }
        if (absolute < 0 || absolute <= received) {
            return relative;
        }
        return Math.min(relative, absolute);
    }

    /** Latest expiry believed: year 9999. Anything later is a broken or hostile endpoint, not a long token. */
    private static final long MAX_EPOCH_SECONDS = 253402300799L;

    private static long seconds(String value, String field) throws TokenException {
        long seconds = decimalSeconds(value);
        if (seconds >= 0 && seconds < 1000000000L) {
            return seconds;
        }
        throw new TokenException(field + " is \"" + excerpt(value) + "\", not a number of seconds",
                false);
    }

    /** Epoch seconds (string or number), an ISO-8601 instant, or App Service's 2017 date. */
    private static long epochSeconds(String value) throws TokenException {
        String v = value.trim();
        long seconds = decimalSeconds(v);
        if (seconds < 0) {
            seconds = appServiceDate(v);
        }
        if (seconds < 0) {
            try {
                seconds = java.time.OffsetDateTime.parse(v).toEpochSecond();
            } catch (RuntimeException notIso) {
                throw new TokenException("expires_on is \"" + excerpt(v)
                        + "\", neither epoch seconds, an App Service date nor an ISO-8601 time", false);
            }
        }
        if (seconds > MAX_EPOCH_SECONDS) {
            throw new TokenException("expires_on is \"" + excerpt(v) + "\", past the year 9999", false);
        }
        return seconds;
    }

    /**
     * App Service's 2017 protocol writes {@code expires_on} as .NET prints a date: {@code 06/20/2019 02:57:58 +00:00}
     * on Linux, {@code 1/16/2020 5:24:12 AM +00:00} on Windows. Exactly those two shapes are read, ASCII digits
     * only, whatever the JVM's locale. Compiled when first needed (a class of its own): a JVM's first regular
     * expression costs ~10 ms, on the first token's path, and the other sources write epoch seconds.
     */
    private static final class AppServiceDate {
        static final Pattern PATTERN = Pattern.compile("([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}) "
                + "([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?: (AM|PM))? ([+-])([0-9]{2}):([0-9]{2})");
    }

    /** Epoch seconds of an App Service date, or -1 when the text is not one. */
    private static long appServiceDate(String v) {
        Matcher m = AppServiceDate.PATTERN.matcher(v);
        if (!m.matches()) {
            return -1;
        }
        int hour = Integer.parseInt(m.group(4));
        String half = m.group(7);
        if (half != null) {
            // a 12-hour clock: 12:xx AM is just past midnight, 12:xx PM just past noon
            if (hour < 1 || hour > 12) {
                return -1;
            }
            hour = hour % 12 + (half.equals("PM") ? 12 : 0);
        } else if (m.group(1).length() != 2 || m.group(2).length() != 2 || m.group(4).length() != 2) {
            return -1;
        }
        int sign = m.group(8).equals("-") ? -1 : 1;
        try {
            ZoneOffset offset = ZoneOffset.ofHoursMinutes(sign * Integer.parseInt(m.group(9)),
                    sign * Integer.parseInt(m.group(10)));
            return LocalDateTime.of(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)), hour, Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)))
                    .toEpochSecond(offset);
        } catch (DateTimeException notADate) {
            return -1;
        }
    }

    /**
     * Whole seconds from plain decimal text ({@code 3599}, {@code 3599.5}): no sign, exponent, hexadecimal or type
     * suffix, which {@code Double.parseDouble} would all accept. -1 when the text is not that, or too long to be
     * a time.
     */
    private static long decimalSeconds(String value) {
        String v = value.trim();
        int dot = v.indexOf('.');
        String whole = dot < 0 ? v : v.substring(0, dot);
        if (whole.isEmpty() || whole.length() > 15 || !digits(whole)
                || dot >= 0 && (dot == v.length() - 1 || !digits(v.substring(dot + 1)))) {
            return -1;
        }
        return Long.parseLong(whole);
    }

    private static boolean digits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** At most 200 characters on one line, for messages about text the endpoint sent. */
    static String excerpt(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < 200; i++) {
            char c = text.charAt(i);
            sb.append(c < ' ' || c == 0x7f ? ' ' : c);
        }
        return sb.length() < text.length() ? sb.append("...").toString().trim() : sb.toString().trim();
    }
}
