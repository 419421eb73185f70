package io.tokenagent.matching;

/**
 * URL path normalisation for matching (RFC 3986 6.2.2): percent-encoded unreserved characters are decoded (so
 * {@code %61pi} is {@code api} and {@code %2e%2e} is {@code ..}), dot segments are removed, and everything else,
 * {@code %2F} included, stays encoded: an encoded slash is not a path separator.
 */
final class Paths {

    private Paths() {
    }

    /** Whether a path could change when normalised: it has a percent sign or a dot segment. */
    static boolean needsNormalising(String path) {
        return path.indexOf('%') >= 0 || path.contains("/.") || path.charAt(0) != '/';
    }

    static String normalise(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        String decoded = decodeUnreserved(rawPath.charAt(0) == '/' ? rawPath : "/" + rawPath);
        return removeDotSegments(decoded);
    }

    private static String decodeUnreserved(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length()) {
                int hi = Character.digit(path.charAt(i + 1), 16);
                int lo = Character.digit(path.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    char decoded = (char) (hi * 16 + lo);
                    if (isUnreserved(decoded)) {
                        out.append(decoded);
                    } else {
                        out.append('%').append(Character.toUpperCase(path.charAt(i + 1)))
                                .append(Character.toUpperCase(path.charAt(i + 2)));
                    }
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }

    /** RFC 3986 section 5.2.4, for an absolute path. */
    private static String removeDotSegments(String path) {
        if (!path.contains("/.")) {
            return path;
        }
        String[] segments = path.substring(1).split("/", -1);
        String[] out = new String[segments.length];
        int n = 0;
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (segment.equals(".") || segment.equals("..")) {
                if (segment.equals("..") && n > 0) {
                    n--;
                }
                if (last) {
                    out[n++] = ""; // "/a/b/.." is "/a/": the directory stays a directory
                }
                continue;
            }
            out[n++] = segment;
        }
        StringBuilder sb = new StringBuilder(path.length());
        for (int i = 0; i < n; i++) {
            sb.append('/').append(out[i]);
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }
}
