package io.tokenagent.token;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a token endpoint's JSON body: a token response, or an error's code and text. Accepts every field as a
 * string or a number, and the gateway envelope {@code {"success":…,"data":{…}}} or {@code {"error":{code,message}}}.
 * Never puts the token in a message.
 */
final class TokenResponseParser {

    private static final JsonFactory JSON = new JsonFactory();

    private TokenResponseParser() {
    }

    /**
     * @param receivedAtMillis when the response arrived, the base for {@code expires_in} and {@code refresh_in}
     * @throws TokenException (not retryable) naming what is wrong with the response
     */
    static AccessToken parseToken(String body, long receivedAtMillis, String endpoint) throws TokenException {
        Map<String, String> fields = fields(body, endpoint);
        String token = fields.get("access_token");
        if (token == null || token.isEmpty()) {
            throw new TokenException(endpoint + ": response has no access_token", false);
        }
        // The token goes into a header as it is (some clients' own header checks are bypassed on the way): a
        // line break from a broken or hostile endpoint must never become a second header.
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new TokenException(endpoint + ": access_token has a character not allowed in a header (at "
                        + i + ")", false);
            }
        }
        String type = fields.get("token_type");
        if (type != null && !type.equalsIgnoreCase("Bearer")) {
            throw new TokenException(endpoint + ": token_type is \"" + excerpt(type) + "\", not Bearer", false);
        }
        long expiresAt = Long.MAX_VALUE;
        String expiresIn = fields.get("expires_in");
        if (expiresIn != null) {
            expiresAt = receivedAtMillis + seconds(expiresIn, "expires_in", endpoint) * 1000;
        }
        String expiresOn = fields.get("expires_on");
        if (expiresOn != null) {
            expiresAt = Math.min(expiresAt, epochSeconds(expiresOn, endpoint) * 1000);
        }
        if (expiresAt == Long.MAX_VALUE) {
            throw new TokenException(endpoint + ": response has no expiry: expires_in and expires_on missing", false);
        }
        if (expiresAt <= receivedAtMillis) {
            throw new TokenException(endpoint + ": the token it returned has already expired", false);
        }
        String refreshIn = fields.get("refresh_in");
        long refreshInMillis = refreshIn == null ? -1 : seconds(refreshIn, "refresh_in", endpoint) * 1000;
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
            fields = fields(body, "");
        } catch (TokenException e) {
            return "(a body that is not a JSON object: " + size(body) + ")";
        }
        String code = first(fields, "error", "error.code", "code", "statusCode");
        String text = first(fields, "error_description", "error.message", "message");
        if (code == null && text == null) {
            return "(a JSON body without error or error_description: " + size(body) + ")";
        }
        return excerpt((code == null ? "" : code) + (code != null && text != null ? ": " : "")
                + (text == null ? "" : text));
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
    private static Map<String, String> fields(String body, String endpoint) throws TokenException {
        Map<String, String> fields = new HashMap<String, String>();
        try {
            JsonParser parser = JSON.createParser(body);
            try {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new TokenException(endpoint + ": response is not a JSON object (" + size(body) + ")", false);
                }
                readObject(parser, "", fields);
            } finally {
                parser.close();
            }
        } catch (IOException e) {
            throw new TokenException(endpoint + ": response is not valid JSON (" + size(body) + ")", false);
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

    /** Latest expiry believed: year 9999. Anything later is a broken or hostile endpoint, not a long token. */
    private static final long MAX_EPOCH_SECONDS = 253402300799L;

    private static long seconds(String value, String field, String endpoint) throws TokenException {
        long seconds = decimalSeconds(value);
        if (seconds >= 0 && seconds < 1000000000L) {
            return seconds;
        }
        throw new TokenException(endpoint + ": " + field + " is \"" + excerpt(value) + "\", not a number of seconds",
                false);
    }

    /** Epoch seconds (string or number), or an ISO-8601 instant. */
    private static long epochSeconds(String value, String endpoint) throws TokenException {
        String v = value.trim();
        long seconds = decimalSeconds(v);
        if (seconds < 0) {
            try {
                seconds = java.time.OffsetDateTime.parse(v).toEpochSecond();
            } catch (RuntimeException notIso) {
                throw new TokenException(endpoint + ": expires_on is \"" + excerpt(v)
                        + "\", neither epoch seconds nor an ISO-8601 time", false);
            }
        }
        if (seconds > MAX_EPOCH_SECONDS) {
            throw new TokenException(endpoint + ": expires_on is \"" + excerpt(v) + "\", past the year 9999", false);
        }
        return seconds;
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
