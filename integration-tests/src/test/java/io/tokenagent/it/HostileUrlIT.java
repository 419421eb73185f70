package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of URLs made to fool a matcher (user information, look-alike and Unicode hosts, case, trailing dots,
 * encoded dots and slashes, dot and {@code ;} segments, odd ports, IPv6 spellings, very long URLs), each sent once
 * with the agent and once without, through a recording proxy. Each entry's expected answer follows README's
 * matching rules. A token goes exactly where it is expected, and every request is otherwise byte for byte what the
 * application sends without the agent.
 */
class HostileUrlIT extends AgentTestSupport {

    private static final String TOKEN = "tok-hostile-url-7Qm2ZxVb";

    @TempDir
    Path dir;

    /** URL, whether a token is expected: README's rules applied to the three rules of {@link #rules}. */
    private static final Map<String, Boolean> CORPUS = new LinkedHashMap<>();

    private static void entry(String url, boolean token) {
        CORPUS.put(url, token);
    }

    static {
        entry("http://api.example.com/api/x", true);
        entry("HTTP://api.example.com/api/x", true); // the scheme, as a host, ignores the case of A-Z
        entry("http://API.Example.COM/api/x", true);
        entry("http://api.example.com./api/x", true); // a trailing dot is ignored
        entry("http://api.example.com:80/api/x", true); // the scheme's port, given
        entry("http://api.example.com:0080/api/x", true); // the same port, as the client reads it
        entry("http://api.example.com:/api/x", true); // an empty port is the scheme's
        entry("http://api.example.com:8080/api/x", false);
        entry("http://api.example.com:443/api/x", false);
        entry("http://api.example.com:65616/api/x", false); // 65536 + 80
        entry("http://api.example.com:4294967376/api/x", false); // 2^32 + 80
        entry("http://api.example.com@evil.example/api/x", false); // user information, then the real host
        entry("http://api.example.com:80@evil.example/api/x", false);
        entry("http://evil.example@api.example.com/api/x", true); // the genuine host, with user information
        entry("http://api.example.com%2eevil.example/api/x", false);
        entry("http://api.example.com.evil.example/api/x", false);
        entry("http://evil-api.example.com/api/x", false);
        entry("http://api.example.co/api/x", false);
        entry("http://api.example.com%00.evil.example/api/x", false);
        entry("http://\u0430pi.example.com/api/x", false); // Cyrillic a
        entry("http://api.\u212Aexample.com/api/x", false); // a Kelvin sign where there is none
        entry("http://api.example.com\u3002/api/x", false); // an ideographic full stop as the trailing dot
        entry("http://api.example.com/apix", false); // a path matches at a / boundary
        entry("http://api.example.com/API/x", false); // paths are case-sensitive
        entry("http://api.example.com/api%2fx", false); // an encoded slash is no separator
        entry("http://api.example.com/api%2Fx", false);
        entry("http://api.example.com/%61pi/x", true); // an encoded unreserved character is that character
        entry("http://api.example.com/api/../admin", false); // dot segments are removed before matching
        entry("http://api.example.com/api/%2e%2e/admin", false);
        entry("http://api.example.com/api/%2E%2e/%2e%2E/admin", false);
        entry("http://api.example.com/api/./../admin", false);
        entry("http://api.example.com/x/../api/y", true);
        entry("http://api.example.com/./api/x", true);
        entry("http://api.example.com/api/.%2e/admin", false);
        entry("http://api.example.com/api/..%2Fadmin", true); // "..%2F" is a segment of its own, below /api
        entry("http://api.example.com/api;x=1/y", false); // "api;x=1" is another segment than "api"
        entry("http://api.example.com/api/..;/admin", true); // "..;" is no dot segment (RFC 3986)
        entry("http://api.example.com/api/" + "a".repeat(6000), true);
        entry("http://api.example.com/" + "x/".repeat(3000), false);
        entry("http://" + "a.".repeat(150) + "api.example.com/api/x", false);
        entry("http://x.svc.example.com/v1/a", true);
        entry("http://a.b.svc.example.com/v1/a", true);
        entry("http://X.SVC.Example.Com./v1/a", true);
        entry("http://svc.example.com/v1/a", false); // a wildcard needs a label in front
        entry("http://xsvc.example.com/v1/a", false);
        entry("http://x.svc.example.com.evil.example/v1/a", false);
        entry("http://x.svc.example.com@evil.example/v1/a", false);
        entry("http://[2001:db8::1]/v6/a", true);
        entry("http://[2001:DB8::1]/v6/a", true);
        entry("http://[2001:db8::1]:80/v6/a", true);
        entry("http://[2001:db8::2]/v6/a", false);
        entry("http://[2001:db8::1%25eth0]/v6/a", false); // a zone is another address
        entry("http://[2001:db8::1]:8080/v6/a", false);
    }

    private String rules() throws Exception {
        Path rules = dir.resolve("rules.json");
        Files.writeString(rules, "{\"endpoint\": \"" + endpoint() + "\", \"log_level\": \"debug\", \"rules\": [\n"
                + "  {\"match\": \"http://api.example.com/api\", \"resource\": \"" + RESOURCE + "\"},\n"
                + "  {\"match\": \"http://*.svc.example.com/v1\", \"resource\": \"" + RESOURCE + "\"},\n"
                + "  {\"match\": \"http://[2001:db8::1]/v6\", \"resource\": \"" + RESOURCE + "\"}\n"
                + "]}\n");
        return "config=" + rules;
    }

    static Stream<Arguments> clients() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("urlconnection", "httpclient", "ahc-2.12.4")
                .map(client -> Arguments.of(jdk, client)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("clients")
    void aTokenGoesExactlyWhereARuleMatchesAndNothingElseChanges(Jdk jdk, String client) throws Exception {
        tokenEndpointGives(TOKEN, 3600);
        // Each URL gets a query naming its place in the corpus: matching ignores the query, the proxy keys on it.
        List<String> urls = new ArrayList<>(CORPUS.keySet());
        List<String> args = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            args.add(urls.get(i) + "?n=" + i);
        }
        Map<Integer, String> with = send(jdk, client, args, rules());
        Map<Integer, String> without = send(jdk, client, args, null);

        List<Executable> checks = new ArrayList<>();
        int tokens = 0;
        int sent = 0;
        for (int i = 0; i < urls.size(); i++) {
            String url = urls.get(i);
            boolean expected = CORPUS.get(url);
            String withAgent = with.get(i);
            String withoutAgent = without.get(i);
            String shown = url.length() > 120 ? url.substring(0, 120) + "..." : url;
            if (withoutAgent == null) {
                // The client refuses the URL itself: it must do so with the agent too, and send nothing.
                checks.add(() -> assertEquals(null, withAgent, shown + " went out only with the agent"));
                continue;
            }
            sent++;
            tokens += expected ? 1 : 0;
            checks.add(() -> assertEquals(expected ? "Bearer " + TOKEN : null, authorization(withAgent),
                    shown + ": " + (expected ? "no token where a rule matches" : "a token where no rule matches")));
            checks.add(() -> assertEquals(withoutAgent, withoutAuthorization(withAgent),
                    shown + ": the request differs from the application's own, beyond the token"));
        }
        assertAll(checks);
        figure("hostile URLs " + client + " on " + jdk, urls.size() + " URLs, " + sent + " sent, " + tokens
                + " with a token where a rule matches, 0 elsewhere, unmatched requests byte for byte as without the agent");
    }

    /** Sends the URLs one after another through the proxy; the head each request arrived with, by its number. */
    private Map<Integer, String> send(Jdk jdk, String client, List<String> urls, String agentArgs) throws Exception {
        try (RecordingProxy proxy = new RecordingProxy()) {
            boolean ahc = client.startsWith("ahc-");
            AgentJvm jvm = ahc ? onClient(jdk, client).mainClass("io.tokenagent.it.apps.AsyncHttpClientApp")
                    : AgentJvm.on(jdk);
            jvm = agentArgs == null ? jvm.withoutAgent() : jvm.agentArgs(agentArgs);
            List<String> args = new ArrayList<>(ahc ? List.of("--system-proxy") : List.of(client, "--system-proxy"));
            args.addAll(urls);
            AgentJvm.Result result = jvm.env("LC_ALL", "C.UTF-8").timeoutSeconds(90)
                    .jvmArg("-Dhttp.proxyHost=127.0.0.1").jvmArg("-Dhttp.proxyPort=" + proxy.port())
                    .jvmArg("-Dhttp.nonProxyHosts=nothing.invalid").run(args.toArray(new String[0]));
            assertEquals(urls.size(), result.responses().size(), result.toString());
            assertNoSecret(result, TOKEN);
            Map<Integer, String> heads = new HashMap<>();
            synchronized (proxy.heads) {
                for (String head : proxy.heads) {
                    String target = head.substring(0, head.indexOf("\r\n"));
                    int n = target.lastIndexOf("?n=");
                    heads.put(Integer.parseInt(target.substring(n + 3, target.indexOf(' ', n))), head);
                }
            }
            return heads;
        }
    }

    private static String authorization(String head) {
        if (head == null) {
            return null;
        }
        List<String> values = Arrays.stream(head.split("\r\n")).filter(l -> l.regionMatches(true, 0,
                "Authorization:", 0, 14)).map(l -> l.substring(14).trim()).toList();
        assertTrue(values.size() <= 1, head);
        return values.isEmpty() ? null : values.get(0);
    }

    private static String withoutAuthorization(String head) {
        return head == null ? null : Arrays.stream(head.split("\r\n", -1))
                .filter(l -> !l.regionMatches(true, 0, "Authorization:", 0, 14))
                .collect(Collectors.joining("\r\n"));
    }
}
