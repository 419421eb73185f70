package io.tokenagent.matching;

/**
 * A rule's {@code match}: {@code scheme://host[:port][/path]}, compared with a request's URL as the client will
 * really send it. Immutable and cheap to test: scheme, port and host are compared before any path work, and a
 * request path is normalised only when it has something to normalise.
 */
public final class UrlPattern {

    private final String scheme;
    /** ASCII (punycode for an internationalised name), lower case, no trailing dot; for a wildcard, the part after {@code *.} with a leading dot. */
    private final String host;
    private final boolean wildcard;
    private final int port;
    /** Normalised, without a trailing slash; empty when every path matches. */
    private final String path;

    private UrlPattern(String scheme, String host, boolean wildcard, int port, String path) {
        this.scheme = scheme;
        this.host = host;
        this.wildcard = wildcard;
        this.port = port;
        this.path = path;
    }

    /** @throws IllegalArgumentException with a short message saying what is wrong */
    public static UrlPattern parse(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("is empty: give scheme://host[:port][/path]");
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw invalid(pattern, "contains white space or a control character");
            }
        }
        int schemeEnd = pattern.indexOf("://");
        if (schemeEnd <= 0) {
            throw invalid(pattern, "is not scheme://host[:port][/path]");
        }
        String scheme = Ascii.lowerCase(pattern.substring(0, schemeEnd));
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid(pattern, "scheme must be http or https");
        }
        String rest = pattern.substring(schemeEnd + 3);
        if (rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
            throw invalid(pattern, "has a query or fragment: a rule matches on scheme, host, port and path only");
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String rawPath = slash < 0 ? "" : rest.substring(slash);
        if (authority.indexOf('@') >= 0) {
            throw invalid(pattern, "has user information (user@host): not allowed in a rule");
        }
        String host;
        String portText = null;
        boolean ipv6 = authority.startsWith("[");
        if (ipv6) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw invalid(pattern, "has an unclosed IPv6 literal");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw invalid(pattern, "has text after the IPv6 literal");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (!ipv6) {
            host = Hosts.canonical(host);
        }
        if (host.isEmpty()) {
            throw invalid(pattern, "has no host");
        }
        boolean wildcard = !ipv6 && host.startsWith("*.");
        if (wildcard) {
            host = host.substring(2);
        }
        if (host.indexOf('*') >= 0) {
            throw invalid(pattern, "a wildcard is allowed only as the whole first label (*.example.com)");
        }
        try {
            host = Hosts.configured(host, ipv6);
        } catch (IllegalArgumentException e) {
            throw invalid(pattern, e.getMessage());
        }
        if (wildcard && (host.indexOf('.') < 0 || Hosts.isIpv4(host))) {
            throw invalid(pattern, "a wildcard needs a domain of two or more labels after *. (*.example.com), "
                    + "not a top-level domain or an IP address");
        }
        if (wildcard) {
            host = "." + host;
        }
        int port = defaultPort(scheme);
        if (portText != null) {
            port = parsePort(portText);
            if (port < 0) {
                throw invalid(pattern, "port \"" + portText + "\" is not a number from 1 to 65535");
            }
        }
        return new UrlPattern(scheme, host, wildcard, port, trimSlash(Paths.normalise(rawPath)));
    }

    /**
     * Whether a request matches. Hosts are compared as ASCII, ignoring the case of A-Z only: a request host with
     * any non-ASCII character matches nothing. Such a host is not converted to punycode here: a client that sends
     * it as it is (HttpURLConnection) has it resolved as it is, and IDNA's mapping would turn look-alikes into the
     * real letters (the Kelvin sign into {@code k}).
     *
     * @param port the request's port, -1 for the scheme's default
     * @param rawPath the request's path, still percent-encoded; null or empty means {@code /}
     */
    public boolean matches(String requestScheme, String requestHost, int requestPort, String rawPath) {
        if (requestHost == null || requestScheme == null || !Ascii.equalsIgnoreCase(scheme, requestScheme)) {
            return false;
        }
        if ((requestPort == -1 ? port == defaultPort(scheme) : requestPort == port) && hostMatches(requestHost)) {
            return pathMatches(rawPath);
        }
        return false;
    }

    /**
     * Why a request does not match, for a person reading a diagnosis (not for the request path): null when it
     * matches, otherwise the first of scheme, host, port and path that differs. {@link Mismatch#stage} says how
     * far it got, so that the nearest of several rules can be named.
     */
    public Mismatch mismatch(String requestScheme, String requestHost, int requestPort, String rawPath) {
        if (requestScheme == null || !Ascii.equalsIgnoreCase(scheme, requestScheme)) {
            return new Mismatch(0, "scheme " + requestScheme + " is not " + scheme);
        }
        if (requestHost == null || !hostMatches(requestHost)) {
            return new Mismatch(1, "host " + requestHost + " is not " + host() + (requestHost != null
                    && !Ascii.isAscii(requestHost, 0, requestHost.length()) ? " (hosts are compared as ASCII)" : ""));
        }
        int effective = requestPort == -1 ? defaultPort(scheme) : requestPort;
        if (effective != port) {
            return new Mismatch(2, "port " + effective + " is not " + port);
        }
        if (!pathMatches(rawPath)) {
            return new Mismatch(3, "path " + (rawPath == null || rawPath.isEmpty() ? "/" : rawPath) + " is not "
                    + path + " or below it");
        }
        return null;
    }

    /** What {@link #mismatch} found. */
    public static final class Mismatch {
        /** 0 scheme, 1 host, 2 port, 3 path: the higher, the nearer the request came to matching. */
        public final int stage;
        public final String reason;

        Mismatch(int stage, String reason) {
            this.stage = stage;
            this.reason = reason;
        }
    }

    private boolean hostMatches(String requestHost) {
        int start = comparedStart(requestHost);
        int end = comparedEnd(requestHost);
        int length = end - start;
        if (wildcard) {
            // host is ".example.com": the request needs at least one non-empty label in front of it.
            int suffix = end - host.length();
            return length > host.length() && requestHost.charAt(suffix - 1) != '.'
                    && Ascii.regionMatches(requestHost, suffix, host) && Ascii.isAscii(requestHost, start, suffix);
        }
        return length == host.length() && Ascii.regionMatches(requestHost, start, host);
    }

    /** Where the compared part of a request's host starts: after an IPv6 literal's opening bracket. */
    static int comparedStart(String requestHost) {
        int length = requestHost.length();
        return length > 1 && requestHost.charAt(0) == '[' && requestHost.charAt(length - 1) == ']' ? 1 : 0;
    }

    /** Where it ends: before an IPv6 literal's closing bracket, and before a trailing dot. */
    static int comparedEnd(String requestHost) {
        int start = comparedStart(requestHost);
        int end = requestHost.length() - start;
        return end > start && requestHost.charAt(end - 1) == '.' ? end - 1 : end;
    }

    boolean pathMatches(String rawPath) {
        if (path.isEmpty()) {
            return true;
        }
        String candidate = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        if (Paths.needsNormalising(candidate)) {
            candidate = Paths.normalise(candidate);
        }
        // Both sides normalised (percent-hex upper case), so a plain comparison: paths are case-sensitive.
        return candidate.startsWith(path)
                && (candidate.length() == path.length() || candidate.charAt(path.length()) == '/');
    }

    static int defaultPort(String scheme) {
        return Ascii.equalsIgnoreCase(scheme, "https") ? 443 : 80;
    }

    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value >= 1 && value <= 65535 ? value : -1;
    }

    private static String trimSlash(String normalised) {
        return normalised.endsWith("/") ? normalised.substring(0, normalised.length() - 1) : normalised;
    }

    private static IllegalArgumentException invalid(String pattern, String what) {
        return new IllegalArgumentException("\"" + pattern + "\": " + what);
    }

    /** The scheme's host, for checks such as "is this loopback". Without brackets, lower case. */
    public String host() {
        return wildcard ? "*" + host : host;
    }

    public String scheme() {
        return scheme;
    }

    /** The port a request must have (the scheme's default when the pattern names none). */
    int port() {
        return port;
    }

    /** The host as {@link UrlPatternIndex} keys it: for a wildcard, the suffix with its leading dot. */
    String indexedHost() {
        return host;
    }

    @Override
    public String toString() {
        String shownHost = host.indexOf(':') >= 0 ? "[" + host + "]" : host();
        return scheme + "://" + shownHost + (port == defaultPort(scheme) ? "" : ":" + port) + path;
    }
}
