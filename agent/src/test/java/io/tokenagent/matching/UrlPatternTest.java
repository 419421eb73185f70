package io.tokenagent.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlPatternTest {

    /** Parses the request URL the way a client does (java.net.URI), then asks the pattern. */
    private static boolean matches(String pattern, String url) {
        URI uri = URI.create(url);
        return UrlPattern.parse(pattern).matches(uri.getScheme(), uri.getHost(), uri.getPort(), uri.getRawPath());
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "https://api.example.com, https://api.example.com/, true",
        "https://api.example.com, https://api.example.com, true",
        "https://api.example.com, https://API.Example.COM/x?q=1#f, true",
        "https://api.example.com, https://api.example.com./x, true",
        "https://api.example.com., https://api.example.com/x, true",
        "https://api.example.com, http://api.example.com/x, false",
        "https://api.example.com, https://api.example.com:443/x, true",
        "https://api.example.com, https://api.example.com:8443/x, false",
        "https://api.example.com:8443, https://api.example.com:8443/x, true",
        "https://api.example.com:8443, https://api.example.com/x, false",
        "http://api.example.com:80, http://api.example.com/x, true",
        "https://api.example.com, https://api.example.com.evil.com/, false",
        "https://api.example.com, https://evilapi.example.com/, false",
        "https://api.example.com, https://api.example.com@evil.com/, false",
        "https://evil.com, https://api.example.com@evil.com/, true",
        "https://api.example.com, https://evil.com/?https://api.example.com/, false",
        "https://api.example.com, https://evil.com/api.example.com, false",
        "https://*.example.com, https://a.example.com/, true",
        "https://*.example.com, https://a.b.example.com/, true",
        "https://*.example.com, https://example.com/, false",
        "https://*.example.com, https://badexample.com/, false",
        "https://*.example.com, https://.example.com/, false",
        "https://*.example.com, https://a.example.com.evil.com/, false",
        "https://api.example.com/api, https://api.example.com/api, true",
        "https://api.example.com/api, https://api.example.com/api/, true",
        "https://api.example.com/api, https://api.example.com/api/x/y, true",
        "https://api.example.com/api, https://api.example.com/apix, false",
        "https://api.example.com/api, https://api.example.com/, false",
        "https://api.example.com/api, https://api.example.com/API/x, false",
        "https://api.example.com/api/, https://api.example.com/api, true",
        "https://api.example.com/api, https://api.example.com/api/../admin, false",
        "https://api.example.com/api, https://api.example.com/api/%2e%2e/admin, false",
        "https://api.example.com/api, https://api.example.com/api/%2E%2E/admin, false",
        "https://api.example.com/api, https://api.example.com/x/../api/y, true",
        "https://api.example.com/api, https://api.example.com/api/./x, true",
        "https://api.example.com/api, https://api.example.com/%61pi/x, true",
        "https://api.example.com/api/x, https://api.example.com/api%2Fx, false",
        "https://api.example.com/a%2fb, https://api.example.com/a%2Fb/c, true",
        "https://api.example.com/a%2Fb, https://api.example.com/a/b, false",
        "http://[::1]:8080/api, http://[::1]:8080/api/x, true",
        "http://[::1]:8080/api, http://[::2]:8080/api/x, false",
        "http://127.0.0.1:8080, http://127.0.0.1:8081/, false",
    })
    void matchesAsAUserWouldExpect(String pattern, String url, boolean expected) {
        assertEquals(expected, matches(pattern, url));
    }

    @Test
    void requestSideToleratesWhatClientsPass() {
        UrlPattern pattern = UrlPattern.parse("https://api.example.com/api");
        assertTrue(pattern.matches("HTTPS", "api.example.com", -1, "/api"));
        assertFalse(pattern.matches("https", null, -1, "/api"));
        assertFalse(pattern.matches("https", "api.example.com", -1, null));
        assertTrue(UrlPattern.parse("https://api.example.com").matches("https", "api.example.com", 443, ""));
        assertTrue(UrlPattern.parse("http://[::1]").matches("http", "::1", -1, "/"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ftp://a.example | \"ftp://a.example\": scheme must be http or https",
        "a.example/api | \"a.example/api\": is not scheme://host[:port][/path]",
        "https://user@a.example | \"https://user@a.example\": has user information (user@host): not allowed in a rule",
        "https://a.example/?q=1 | \"https://a.example/?q=1\": has a query or fragment: a rule matches on scheme, host, port and path only",
        "https://a.example:99999 | \"https://a.example:99999\": port \"99999\" is not a number from 1 to 65535",
        "https://a.example:x | \"https://a.example:x\": port \"x\" is not a number from 1 to 65535",
        "https:// | \"https://\": has no host",
        "https://a.*.example | \"https://a.*.example\": a wildcard is allowed only as the whole first label (*.example.com)",
        "https://a example | \"https://a example\": contains white space or a control character",
        "https://] | \"https://]\": host \"]\" has ']': a host name has only letters, digits, - and _ (an IPv6 address goes in [ ])",
        "https://[zz] | \"https://[zz]\": host [zz] is not an IPv6 address",
        "https://[1::2::3] | \"https://[1::2::3]\": host [1::2::3] is not an IPv6 address",
        "https://[1:2:3:4:5:6:7:8:9] | \"https://[1:2:3:4:5:6:7:8:9]\": host [1:2:3:4:5:6:7:8:9] is not an IPv6 address",
        "https://[:1] | \"https://[:1]\": host [:1] is not an IPv6 address",
        "https://[12345::1] | \"https://[12345::1]\": host [12345::1] is not an IPv6 address",
        "https://[::ffff:1.2.3.256] | \"https://[::ffff:1.2.3.256]\": host [::ffff:1.2.3.256] is not an IPv6 address",
        "https://ho%st | \"https://ho%st\": host \"ho%st\" has '%': a host name has only letters, digits, - and _ (an IPv6 address goes in [ ])",
        "https://host\\path | \"https://host\\path\": host \"host\\path\" has '\\': a host name has only letters, digits, - and _ (an IPv6 address goes in [ ])",
        "https://a..b | \"https://a..b\": host \"a..b\" has an empty label",
        "https://.a | \"https://.a\": host \".a\" has an empty label",
        "https://a.example.. | \"https://a.example..\": host \"a.example.\" has an empty label",
        "https://1.2.3.256 | \"https://1.2.3.256\": host \"1.2.3.256\" ends in a number but is not an IPv4 address (four numbers from 0 to 255)",
        "https://1.2.3 | \"https://1.2.3\": host \"1.2.3\" ends in a number but is not an IPv4 address (four numbers from 0 to 255)",
        "https://*.com | \"https://*.com\": a wildcard needs a domain of two or more labels after *. (*.example.com), not a top-level domain or an IP address",
        "https://*.com. | \"https://*.com.\": a wildcard needs a domain of two or more labels after *. (*.example.com), not a top-level domain or an IP address",
        "https://*.10.0.0.1 | \"https://*.10.0.0.1\": a wildcard needs a domain of two or more labels after *. (*.example.com), not a top-level domain or an IP address",
    })
    void badPatternsAreRejectedWithAReason(String pattern, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> UrlPattern.parse(pattern))
                .getMessage());
    }

    /** Hosts as HttpURLConnection's URL passes them: raw Unicode, which java.net.URI would not even parse. */
    @ParameterizedTest(name = "{0} does not match {1}")
    @CsvSource({
        "http://sso.kitchen.example, sso.k\u0131tchen.example",
        "http://sso.kitchen.example, \u017F\u017Fo.kitchen.example",
        "http://sso.kitchen.example, sso.\u212Aitchen.example",
        "http://sso.kitchen.example, SSO.\u212AITCHEN.EXAMPLE",
        "http://*.core.windows.example, evil.core.w\u0131ndows.example",
        "http://*.core.windows.example, ev\u0131l.core.windows.example",
        "http://xn--bcher-kva.example, b\u00fccher.example",
    })
    void aLookAlikeHostMatchesNothing(String pattern, String host) {
        assertFalse(UrlPattern.parse(pattern).matches("http", host, -1, "/"), host);
    }

    @Test
    void hostsAndSchemesCompareAsAsciiIgnoringTheCaseOfAToZOnly() {
        assertTrue(UrlPattern.parse("http://sso.kitchen.example").matches("http", "SSO.Kitchen.EXAMPLE", -1, "/"));
        assertTrue(UrlPattern.parse("http://*.core.windows.example").matches("HTTP", "A.Core.Windows.Example.", 80,
                "/"));
        assertFalse(UrlPattern.parse("https://a.example").matches("http\u017F", "a.example", -1, "/"),
                "long s is not s");
    }

    @Test
    void anInternationalisedRuleHostIsComparedInItsPunycodeForm() {
        UrlPattern pattern = UrlPattern.parse("https://B\u00fccher.example/api");
        assertEquals("https://xn--bcher-kva.example/api", pattern.toString());
        assertTrue(pattern.matches("https", "xn--bcher-kva.example", -1, "/api/x"));
        assertTrue(pattern.matches("https", "XN--BCHER-KVA.example", -1, "/api/x"));
        assertFalse(pattern.matches("https", "b\u00fccher.example", -1, "/api/x"), "a raw Unicode request host");
        UrlPattern wildcard = UrlPattern.parse("https://*.b\u00fccher.example");
        assertEquals("https://*.xn--bcher-kva.example", wildcard.toString());
        assertTrue(wildcard.matches("https", "a.xn--bcher-kva.example", -1, "/"));
        assertEquals("\"https://xn--\u00fc.example\": host \"xn--\u00fc.example\" is not a valid internationalised "
                + "domain name: The input starts with the ACE Prefix", assertThrows(IllegalArgumentException.class,
                        () -> UrlPattern.parse("https://xn--\u00fc.example")).getMessage());
    }

    @Test
    void hostLengthsAreThoseOfDns() {
        String label63 = "a".repeat(63);
        String host253 = (label63 + ".").repeat(3) + "b".repeat(61);
        assertEquals(253, host253.length());
        assertEquals("https://" + host253, UrlPattern.parse("https://" + host253).toString());
        assertEquals("\"https://" + label63 + "a.example\": host \"" + label63 + "a.example\" has a label longer than 63 "
                + "characters", assertThrows(IllegalArgumentException.class,
                        () -> UrlPattern.parse("https://" + label63 + "a.example")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UrlPattern.parse("https://" + host253 + "b"))
                .getMessage().endsWith("is longer than 253 characters"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "https://*.example.com, https://*.example.com",
        "http://10.0.0.1:8080/x, http://10.0.0.1:8080/x",
        "http://[::1], http://[::1]",
        "http://[2001:DB8::A:1]/x, http://[2001:db8::a:1]/x",
        "http://[::ffff:10.0.0.1], http://[::ffff:10.0.0.1]",
        "http://[1:2:3:4:5:6:7:8], http://[1:2:3:4:5:6:7:8]",
        "http://localhost:8080, http://localhost:8080",
        "https://my_host-1.Example.com., https://my_host-1.example.com",
    })
    void realHostsAreAccepted(String pattern, String canonical) {
        assertEquals(canonical, UrlPattern.parse(pattern).toString());
    }

    @Test
    void printsItsCanonicalForm() {
        assertEquals("https://api.example.com/api", UrlPattern.parse("HTTPS://API.example.com.:443/api/").toString());
        assertEquals("http://*.example.com:8080", UrlPattern.parse("http://*.Example.com:8080").toString());
        assertEquals("http://[::1]:8080/x", UrlPattern.parse("http://[::1]:8080/x").toString());
    }
}
