package io.tokenagent.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The index must answer exactly what scanning the patterns in order answers: first match wins. */
class UrlPatternIndexTest {

    private static final String[] LABELS = {"a", "b", "api", "x-1"};
    private static final String[] PATHS = {"", "/", "/v1", "/v1/x", "/v2", "/%61pi"};
    private static final String[] REQUEST_PATHS = {null, "", "/", "/v1", "/v1/", "/v1/x/y", "/v%31/x", "/v2/../v1",
        "/./v2", "/api", "/%61pi/z", "v1"};

    @Test
    void agreesWithAScanInOrderOnRandomRulesAndRequests() {
        Random random = new Random(14);
        for (int set = 0; set < 400; set++) {
            List<UrlPattern> patterns = new ArrayList<UrlPattern>();
            int count = 1 + random.nextInt(set % 10 == 0 ? 300 : 12);
            for (int i = 0; i < count; i++) {
                patterns.add(UrlPattern.parse(randomPattern(random)));
            }
            UrlPatternIndex index = new UrlPatternIndex(patterns);
            for (int r = 0; r < 300; r++) {
                String scheme = pick(random, "https", "http", "HTTPS", "Http", "ftp", null);
                String host = randomRequestHost(random);
                int port = pick(random, -1, -1, 80, 443, 8443);
                String path = REQUEST_PATHS[random.nextInt(REQUEST_PATHS.length)];
                assertEquals(scan(patterns, scheme, host, port, path), index.firstMatch(scheme, host, port, path),
                        () -> scheme + "://" + host + ":" + port + path + " against " + patterns);
            }
        }
    }

    @Test
    void theEarliestOfSeveralMatchingRulesWins() {
        List<UrlPattern> patterns = Arrays.asList(UrlPattern.parse("https://*.example.com/v1"),
                UrlPattern.parse("https://api.example.com"), UrlPattern.parse("https://*.api.example.com"),
                UrlPattern.parse("https://x.api.example.com"));
        UrlPatternIndex index = new UrlPatternIndex(patterns);
        assertEquals(0, index.firstMatch("https", "x.api.example.com", -1, "/v1/a"));
        assertEquals(1, index.firstMatch("https", "API.example.com.", 443, "/v2"));
        assertEquals(2, index.firstMatch("https", "x.api.example.com", -1, "/v2"));
        assertEquals(-1, index.firstMatch("https", "example.com", -1, "/v1"));
        assertEquals(-1, index.firstMatch("https", "x.api.example.com", 8443, "/v2"));
    }

    private static int scan(List<UrlPattern> patterns, String scheme, String host, int port, String path) {
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).matches(scheme, host, port, path)) {
                return i;
            }
        }
        return -1;
    }

    private static String randomPattern(Random random) {
        String scheme = random.nextBoolean() ? "https" : "http";
        String host;
        int kind = random.nextInt(10);
        if (kind == 0) {
            host = "[::1]";
        } else if (kind == 1) {
            host = "10.0.0." + random.nextInt(3);
        } else {
            host = randomName(random, 1 + random.nextInt(3));
            if (kind < 5) {
                host = "*." + (host.indexOf('.') < 0 ? host + ".example" : host); // two labels at least
            }
        }
        String port = pick(random, "", "", ":80", ":443", ":8443");
        return scheme + "://" + host + port + PATHS[random.nextInt(PATHS.length)];
    }

    private static String randomRequestHost(Random random) {
        int kind = random.nextInt(12);
        if (kind == 0) {
            return pick(random, "[::1]", "::1", "[0:0:0:0:0:0:0:1]", "10.0.0.1", "10.0.0.2.", "", ".", "[]");
        }
        String name = randomName(random, 1 + random.nextInt(5));
        if (kind == 1) {
            name = name.toUpperCase(java.util.Locale.ROOT);
        } else if (kind == 2) {
            name = name + ".";
        } else if (kind == 3) {
            name = "\u212a" + name; // the Kelvin sign: never a k
        } else if (kind == 4) {
            name = "." + name;
        } else if (kind == 5) {
            name = name.replaceFirst("\\.", "..");
        }
        return name;
    }

    private static String randomName(Random random, int labels) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < labels; i++) {
            sb.append(i == 0 ? "" : ".").append(LABELS[random.nextInt(LABELS.length)]);
        }
        return sb.append(random.nextInt(4) == 0 ? "" : ".example").toString();
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
