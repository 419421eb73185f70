package io.tokenagent.token;

import java.io.UnsupportedEncodingException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Parameters URL-encoded as a query string or an {@code application/x-www-form-urlencoded} body. */
final class Form {

    private final StringBuilder text = new StringBuilder();

    /** Adds {@code name=value}; a null value adds nothing, so optional parameters need no test at the caller. */
    Form add(String name, String value) {
        if (value != null) {
            text.append(text.length() == 0 ? "" : "&").append(encode(name)).append('=').append(encode(value));
        }
        return this;
    }

    byte[] bytes() {
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return text.toString();
    }

    private static String encode(String value) {
        try {
            return URLEncoder.encode(value, "UTF-8");
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is required of every JVM", e);
        }
    }
}
