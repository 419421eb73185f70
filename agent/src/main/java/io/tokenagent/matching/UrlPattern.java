package io.tokenagent.matching;

/** PLACEHOLDER: replaced by the matching work. */
public final class UrlPattern {
    public static UrlPattern parse(String pattern) {
        throw new UnsupportedOperationException("not yet written");
    }

    public boolean matches(String scheme, String host, int port, String rawPath) {
        throw new UnsupportedOperationException("not yet written");
    }
}
