package io.tokenagent.matching;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A list of {@link UrlPattern}s indexed by scheme, host and port, answering "the first pattern in the list that
 * matches this request" at about the same cost for a thousand patterns as for one. Exact hosts are looked up once;
 * a wildcard ({@code *.example.com}) is looked up under each of the request host's dot-suffixes. Every candidate
 * found is then checked with {@link UrlPattern#matches}, so the index only narrows the scan and returns exactly what
 * scanning the whole list in order would. Patterns sharing scheme, host and port (differing only in path) are
 * scanned in list order. A lookup allocates nothing beyond what {@code matches} itself may.
 */
public final class UrlPatternIndex {

    private final UrlPattern[] patterns;
    /** Open addressing: a slot holds an entry's number plus one, or 0 when empty. Size a power of two. */
    private final int[] slots;
    private final String[] entryHost;
    private final int[] entryHash;
    private final int[] entryPort;
    private final boolean[] entryHttps;
    /** Whether the entry's key is a wildcard's suffix rather than an exact host. */
    private final boolean[] entryWildcard;
    /** Each entry's pattern positions, ascending. */
    private final int[][] entryPositions;
    /** {@code [n]} when some wildcard's key (".example.com") is n characters long: only those suffixes are looked up. */
    private final boolean[] wildcardLengths;

    public UrlPatternIndex(List<UrlPattern> list) {
        patterns = list.toArray(new UrlPattern[0]);
        // Built once before main: plain collections, then flattened into arrays for the lookup.
        Map<String, List<Integer>> byKey = new LinkedHashMap<String, List<Integer>>();
        for (int p = 0; p < patterns.length; p++) {
            String key = patterns[p].scheme() + ' ' + patterns[p].port() + ' ' + patterns[p].indexedHost();
            List<Integer> positions = byKey.get(key);
            if (positions == null) {
                positions = new ArrayList<Integer>();
                byKey.put(key, positions);
            }
            positions.add(p);
        }
        int entries = byKey.size();
        slots = new int[Integer.highestOneBit(Math.max(1, entries)) * 4];
        entryHost = new String[entries];
        entryHash = new int[entries];
        entryPort = new int[entries];
        entryHttps = new boolean[entries];
        entryWildcard = new boolean[entries];
        entryPositions = new int[entries][];
        int longestWildcard = 0;
        for (UrlPattern pattern : patterns) {
            if (pattern.host().startsWith("*")) {
                longestWildcard = Math.max(longestWildcard, pattern.indexedHost().length());
            }
        }
        wildcardLengths = new boolean[longestWildcard + 1];
        int e = 0;
        for (List<Integer> positions : byKey.values()) {
            UrlPattern first = patterns[positions.get(0)];
            entryHost[e] = first.indexedHost();
            entryPort[e] = first.port();
            entryHttps[e] = first.scheme().equals("https");
            entryHash[e] = hash(entryHost[e], 0, entryHost[e].length(), entryPort[e], entryHttps[e]);
            entryWildcard[e] = first.host().startsWith("*");
            if (entryWildcard[e]) {
                wildcardLengths[entryHost[e].length()] = true;
            }
            entryPositions[e] = new int[positions.size()];
            for (int i = 0; i < positions.size(); i++) {
                entryPositions[e][i] = positions.get(i);
            }
            int slot = entryHash[e] & (slots.length - 1);
            while (slots[slot] != 0) {
                slot = (slot + 1) & (slots.length - 1);
            }
            slots[slot] = ++e;
        }
    }

    /**
     * The position in the list of the first pattern that matches, or -1. Parameters as {@link UrlPattern#matches}.
     */
    public int firstMatch(String scheme, String host, int port, String rawPath) {
        if (scheme == null || host == null) {
            return -1;
        }
        if (patterns.length == 0) {
            return -1;
        }
        boolean https;
        if (Ascii.equalsIgnoreCase(scheme, "https")) {
            https = true;
        } else if (Ascii.equalsIgnoreCase(scheme, "http")) {
            https = false;
        } else {
            return -1;
        }
        int effectivePort = port == -1 ? (https ? 443 : 80) : port;
        // The host as UrlPattern compares it: without IPv6 brackets and without a trailing dot.
        int start = UrlPattern.comparedStart(host);
        int end = UrlPattern.comparedEnd(host);
        int best = Integer.MAX_VALUE;
        int exact = lookup(host, start, end, hash(host, start, end, effectivePort, https), effectivePort, https);
        if (exact >= 0 && !entryWildcard[exact]) {
            // Scheme, port and the whole host equal the key: only the path is left to compare.
            for (int position : entryPositions[exact]) {
                if (patterns[position].pathMatches(rawPath)) {
                    best = position;
                    break;
                }
            }
        } else {
            best = firstIn(exact, best, scheme, host, port, rawPath);
        }
        // Each ".suffix" of the host, right to left, with its hash built as it grows; a wildcard's key starts with
        // the dot, and needs at least one character before it.
        int suffixHash = 0;
        int power = 1;
        for (int i = end - 1; i > start && end - i < wildcardLengths.length; i--) {
            suffixHash += Ascii.lower(host.charAt(i)) * power;
            power *= 31;
            if (host.charAt(i) == '.' && wildcardLengths[end - i]) {
                int entry = lookup(host, i, end, mix(suffixHash, effectivePort, https), effectivePort, https);
                best = firstIn(entry, best, scheme, host, port, rawPath);
            }
        }
        return best == Integer.MAX_VALUE ? -1 : best;
    }

    /** The first position below {@code best} among the entry's patterns that matches, else {@code best}. */
    private int firstIn(int entry, int best, String scheme, String host, int port, String rawPath) {
        if (entry < 0) {
            return best;
        }
        for (int position : entryPositions[entry]) {
            if (position >= best) {
                return best;
            }
            if (patterns[position].matches(scheme, host, port, rawPath)) {
                return position;
            }
        }
        return best;
    }

    private int lookup(String host, int start, int end, int hash, int port, boolean https) {
        int mask = slots.length - 1;
        for (int slot = hash & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
            int entry = slots[slot] - 1;
            if (entryHash[entry] == hash && entryPort[entry] == port && entryHttps[entry] == https
                    && entryHost[entry].length() == end - start && Ascii.regionMatches(host, start, entryHost[entry])) {
                return entry;
            }
        }
        return -1;
    }

    /** A polynomial hash of the ASCII-lower-cased text, with port and scheme mixed in. */
    private static int hash(String text, int start, int end, int port, boolean https) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + Ascii.lower(text.charAt(i));
        }
        return mix(h, port, https);
    }

    private static int mix(int hostHash, int port, boolean https) {
        int h = (hostHash * 31 + port) * 2 + (https ? 1 : 0);
        return h ^ (h >>> 16);
    }
}
