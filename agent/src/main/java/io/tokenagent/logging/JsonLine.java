package io.tokenagent.logging;

import io.tokenagent.config.TokenRequest;

/**
 * One log line as a JSON object, for {@code log_format=json}: {@code timestamp}, {@code level}, {@code event} (a
 * stable name for the call site, from its message pattern), {@code message}, and {@code resource},
 * {@code identity}, {@code fingerprint} and {@code error} where the line's arguments hold them.
 */
final class JsonLine {

    private final StringBuilder json = new StringBuilder(256).append('{');

    static String of(String level, String pattern, Object[] arguments, String message, Throwable throwable) {
        JsonLine line = new JsonLine();
        line.field("timestamp", java.time.Instant.now().toString()).field("level", level)
                .field("event", event(pattern)).field("message", message);
        if (arguments != null) {
            for (Object argument : arguments) {
                if (argument instanceof TokenRequest) {
                    TokenRequest request = (TokenRequest) argument;
                    line.field("resource", request.resource() != null ? request.resource() : request.scope())
                            .field("identity", request.identity().toString());
                } else if (argument != null) {
                    // a fingerprint, as a string or as a token's argument that works it out when written
                    String text = argument.toString();
                    if (text.startsWith("sha256:")) {
                        line.field("fingerprint", text);
                    }
                }
            }
        }
        if (throwable != null) {
            line.field("error", throwable.toString());
        }
        return line.json.append('}').toString();
    }

    /** The pattern's words before its first argument or colon, e.g. {@code no-token-for}. */
    static String event(String pattern) {
        StringBuilder event = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '{' || c == ':' || c == ';' || c == '(') {
                break;
            }
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
                event.append((char) (c | (c >= 'A' && c <= 'Z' ? 0x20 : 0)));
            } else if (event.length() > 0 && event.charAt(event.length() - 1) != '-') {
                event.append('-');
            }
        }
        int end = event.length();
        while (end > 0 && event.charAt(end - 1) == '-') {
            end--;
        }
        return end == 0 ? "message" : event.substring(0, end);
    }

    private JsonLine field(String name, String value) {
        if (json.length() > 1) {
            json.append(',');
        }
        quote(name);
        json.append(':');
        quote(value);
        return this;
    }

    private void quote(String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                String hex = Integer.toHexString(c);
                json.append("\\u").append("0000", hex.length(), 4).append(hex);
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }
}
