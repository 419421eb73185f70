package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Input made to fool the agent: host names that look like a rule's host, and configuration that cannot be right.
 * Made-up host names are reached through an HTTP proxy that records what it receives.
 */
class HostileInputIT extends AgentTestSupport {

    @TempDir
    Path dir;

    /** Path on the api server, request host: each look-alike of a rule's host gets a path of its own. */
    private static final Map<String, String> LOOK_ALIKES = new LinkedHashMap<>();

    static {
        LOOK_ALIKES.put("/dotless-i", "sso.k\u0131tchen.example"); // U+0131, folds to I under Unicode rules
        LOOK_ALIKES.put("/long-s", "\u017F\u017Fo.kitchen.example"); // U+017F, folds to S
        LOOK_ALIKES.put("/kelvin", "sso.\u212Aitchen.example"); // U+212A, folds to k
        LOOK_ALIKES.put("/wildcard-dotless-i", "evil.core.w\u0131ndows.example");
        LOOK_ALIKES.put("/idn-unconverted", "b\u00fccher.test"); // the rule's own name, sent unconverted
    }

    /**
     * The JDK clients. HttpURLConnection's {@code URL} accepts a host with any character and sends it as it is.
     * java.net.http takes a {@code java.net.URI}, which parses such an authority as registry-based, with no host:
     * {@code HttpRequest.newBuilder} refuses it ("unsupported URI") before any agent code runs. Both are run, so
     * that the day java.net.http accepts such hosts this test covers it.
     */
    static Stream<Arguments> jdkClients() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("urlconnection", "httpclient", "httpclient-async")
                .map(client -> Arguments.of(jdk, client)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkClients")
    void lookAlikeHostsGetNoTokenWhileTheGenuineHostsAndPunycodeDo(Jdk jdk, String client) throws Exception {
        tokenEndpointGives("token-real", 3600);
        try (RecordingProxy proxy = new RecordingProxy()) { // port 8080 is never connected to: all goes to the proxy
            Path rules = dir.resolve("rules.json");
            Files.writeString(rules, "{\"endpoint\": \"" + endpoint() + "\", \"rules\": [\n"
                    + "  {\"match\": \"http://sso.kitchen.example:8080\", \"resource\": \"" + RESOURCE + "\"},\n"
                    + "  {\"match\": \"http://*.core.windows.example:8080\", \"resource\": \"" + RESOURCE + "\"},\n"
                    + "  {\"match\": \"http://b\u00fccher.test:8080\", \"resource\": \"" + RESOURCE + "\"}\n"
                    + "]}\n");
            List<String> args = new ArrayList<>(List.of(client, "--system-proxy",
                    "http://sso.kitchen.example:8080/genuine", "http://evil.core.windows.example:8080/genuine-wildcard",
                    "http://xn--bcher-kva.test:8080/punycode"));
            LOOK_ALIKES.forEach((path, host) -> args.add("http://" + host + ":8080" + path));
            AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("config=" + rules)
                    .env("LC_ALL", "C.UTF-8") // so that the JVM reads the Unicode host names in its arguments as such
                    .jvmArg("-Dhttp.proxyHost=127.0.0.1").jvmArg("-Dhttp.proxyPort=" + proxy.port())
                    .jvmArg("-Dhttp.nonProxyHosts=nothing.invalid")
                    .run(args.toArray(new String[0]));

            List<String> responses = result.responses();
            assertEquals(3 + LOOK_ALIKES.size(), responses.size(), result.toString());
            assertTrue(responses.stream().limit(3).allMatch(l -> l.startsWith("STATUS 200")), result.toString());
            for (String line : responses.subList(3, responses.size())) {
                assertTrue(line.startsWith(client.equals("urlconnection") ? "STATUS 200"
                        : "ERROR java.lang.IllegalArgumentException: unsupported URI"), result.toString());
            }
            List<Executable> checks = new ArrayList<>(List.of(
                    () -> assertEquals(List.of("Bearer token-real"), proxy.received("/genuine", "Authorization")),
                    () -> assertEquals(List.of("Bearer token-real"), proxy.received("/genuine-wildcard",
                            "Authorization")),
                    () -> assertEquals(List.of("Bearer token-real"), proxy.received("/punycode", "Authorization"),
                            "a rule's Unicode host is matched by its punycode form")));
            LOOK_ALIKES.forEach((path, host) -> checks.add(() -> {
                if (client.equals("urlconnection")) {
                    assertTrue(proxy.heads.stream().anyMatch(h -> h.startsWith("GET http://" + host + ":8080" + path)),
                            "the look-alike host went out as it is: " + proxy.heads);
                    assertEquals(Collections.singletonList(null), proxy.received(path, "Authorization"), host);
                } else {
                    assertEquals(List.of(), proxy.received(path, "Authorization"), host);
                }
            }));
            assertAll(checks);
        }
    }

    static Stream<Arguments> otherClients() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of(
                Arguments.of(jdk, "okhttp-5.5.1", "io.tokenagent.it.apps.OkHttpApp"),
                Arguments.of(jdk, "okhttp-3.14.9", "io.tokenagent.it.apps.OkHttpApp"),
                Arguments.of(jdk, "apache-4.5.14", "io.tokenagent.it.apps.ApacheClassicApp")));
    }

    /**
     * Clients with URL types of their own: OkHttp maps an internationalised name the way UTS #46 does (the Kelvin
     * sign and the long s become {@code k} and {@code s}, so those two names ARE the genuine host for it, and it
     * connects there), others go out in punycode; Apache HttpClient 4 takes the host from the raw authority. Whatever
     * each client makes of a name, a token goes only with a request whose host, as the client sent it, is the
     * genuine one.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("otherClients")
    void lookAlikeHostsGetATokenOnlyWhereTheClientSendsTheGenuineHost(Jdk jdk, String version, String app)
            throws Exception {
        tokenEndpointGives("token-real", 3600);
        try (RecordingProxy proxy = new RecordingProxy()) {
            Path rules = dir.resolve("rules.json");
            Files.writeString(rules, "{\"endpoint\": \"" + endpoint() + "\", \"rules\": [\n"
                    + "  {\"match\": \"http://sso.kitchen.example:8080\", \"resource\": \"" + RESOURCE + "\"},\n"
                    + "  {\"match\": \"http://*.core.windows.example:8080\", \"resource\": \"" + RESOURCE + "\"}\n"
                    + "]}\n");
            // OkHttp follows the JVM's proxy settings by itself; Apache HttpClient 4 when built to
            List<String> args = new ArrayList<>(app.endsWith("ApacheClassicApp") ? List.of("--system-proxy") : List.of());
            args.add("http://sso.kitchen.example:8080/genuine");
            LOOK_ALIKES.forEach((path, host) -> args.add("http://" + host + ":8080" + path));
            AgentJvm.Result result = onClient(jdk, version).mainClass(app).agentArgs("config=" + rules)
                    .env("LC_ALL", "C.UTF-8")
                    .jvmArg("-Dhttp.proxyHost=127.0.0.1").jvmArg("-Dhttp.proxyPort=" + proxy.port())
                    .jvmArg("-Dhttp.nonProxyHosts=nothing.invalid")
                    .run(args.toArray(new String[0]));

            assertEquals(List.of("Bearer token-real"), proxy.received("/genuine", "Authorization"), result.toString());
            int judged = 0;
            synchronized (proxy.heads) {
                for (String head : proxy.heads) {
                    String requestLine = head.lines().findFirst().orElse("");
                    boolean genuine = requestLine.startsWith("GET http://sso.kitchen.example:8080/")
                            || requestLine.matches("GET http://[a-z0-9-]+\\.core\\.windows\\.example:8080/.*");
                    boolean carried = head.lines().anyMatch(l -> l.regionMatches(true, 0, "Authorization:", 0, 14));
                    assertEquals(genuine, carried, "token on " + requestLine + "\n" + result);
                    judged++;
                }
            }
            assertTrue(judged >= 1 + LOOK_ALIKES.size() / 2, "most look-alike requests reached the proxy: "
                    + proxy.heads + "\n" + result);
        }
    }

    /** A rule file: the given top-level JSON members, then one rule whose match, resource and extra members are given. */
    private static String ruleFile(String topLevel, String match, String ruleExtra) {
        return "{" + topLevel + "\"rules\": [{\"match\": \"" + match + "\", \"resource\": \"r\"" + ruleExtra + "}]}";
    }

    private static final String OK_MATCH = "https://a.example";
    private static final String LABEL64 = "a".repeat(64);
    private static final String MUST_BE_IPV6 = "is not an IPv6 address";

    /** Name, rules.json content, the error after "token-agent: configuration error: {file}". */
    static Stream<Arguments> configurationThatCannotBeRight() {
        String names = ": a host name has only letters, digits, - and _ (an IPv6 address goes in [ ])";
        return Stream.of(
                Arguments.of("a rule key given twice", "{\n  \"rules\": [{\n    \"match\": \"https://a.example\",\n"
                        + "    \"resource\": \"r\",\n    \"resource\": \"s\"\n  }]\n}",
                        " line 5 column 5: key \"resource\" given twice"),
                Arguments.of("rules given twice", "{\"rules\": [],\n \"rules\": []}",
                        " line 2 column 2: key \"rules\" given twice"),
                Arguments.of("resource a JSON number", ruleFile("", OK_MATCH, ", \"resource\": 42").replace(
                        "\"resource\": \"r\", ", ""), ": rules[0].resource: must be a JSON string, not 42"),
                Arguments.of("a top-level resource a JSON boolean", "{\"match\": \"" + OK_MATCH
                        + "\", \"resource\": true}", ": resource: must be a JSON string, not true"),
                Arguments.of("match host ]", ruleFile("", "https://]", ""),
                        ": rules[0].match: \"https://]\": host \"]\" has ']'" + names),
                Arguments.of("match host [zz]", ruleFile("", "https://[zz]", ""),
                        ": rules[0].match: \"https://[zz]\": host [zz] " + MUST_BE_IPV6),
                Arguments.of("match host [1::2::3]", ruleFile("", "https://[1::2::3]", ""),
                        ": rules[0].match: \"https://[1::2::3]\": host [1::2::3] " + MUST_BE_IPV6),
                Arguments.of("match host ho%st", ruleFile("", "https://ho%st", ""),
                        ": rules[0].match: \"https://ho%st\": host \"ho%st\" has '%'" + names),
                Arguments.of("match host a..b", ruleFile("", "https://a..b", ""),
                        ": rules[0].match: \"https://a..b\": host \"a..b\" has an empty label"),
                Arguments.of("match host host\\path", ruleFile("", "https://host\\\\path", ""),
                        ": rules[0].match: \"https://host\\path\": host \"host\\path\" has '\\'" + names),
                Arguments.of("match label of 64", ruleFile("", "https://" + LABEL64 + ".example", ""),
                        ": rules[0].match: \"https://" + LABEL64 + ".example\": host \"" + LABEL64
                                + ".example\" has a label longer than 63 characters"),
                Arguments.of("match host of 254", ruleFile("", "https://" + "abc.".repeat(63) + "ab", ""),
                        ": rules[0].match: \"https://" + "abc.".repeat(63) + "ab\": host \"" + "abc.".repeat(63)
                                + "ab\" is longer than 253 characters"),
                Arguments.of("match *.com", ruleFile("", "https://*.com", ""),
                        ": rules[0].match: \"https://*.com\": a wildcard needs a domain of two or more labels after "
                                + "*. (*.example.com), not a top-level domain or an IP address"),
                Arguments.of("header Host", ruleFile("", OK_MATCH, ", \"header\": \"host\""),
                        ": rules[0].header: \"host\" is a header the HTTP client manages itself (Host, "
                                + "Content-Length, Transfer-Encoding, Connection, Keep-Alive, Proxy-Connection, Upgrade, "
                                + "TE, Trailer and Expect): give another"),
                Arguments.of("header Transfer-Encoding", ruleFile("", OK_MATCH, ", \"header\": \"Transfer-Encoding\""),
                        ": rules[0].header: \"Transfer-Encoding\" is a header the HTTP client manages itself (Host, "
                                + "Content-Length, Transfer-Encoding, Connection, Keep-Alive, Proxy-Connection, Upgrade, "
                                + "TE, Trailer and Expect): give another"),
                Arguments.of("prefix with a control character", ruleFile("", OK_MATCH, ", \"prefix\": \"Bearer\\r\\nX\""),
                        ": rules[0].prefix: has character U+000D: only visible ASCII characters and spaces are allowed"),
                Arguments.of("prefix with a non-ASCII character", ruleFile("", OK_MATCH, ", \"prefix\": \"B\u0435arer\""),
                        ": rules[0].prefix: has character U+0435: only visible ASCII characters and spaces are allowed"),
                Arguments.of("endpoint port 99999", ruleFile("\"endpoint\": \"http://127.0.0.1:99999/t\", ", OK_MATCH, ""),
                        ": endpoint: \"http://127.0.0.1:99999/t\": port 99999 is not a number from 1 to 65535"),
                Arguments.of("endpoint port 0", ruleFile("\"endpoint\": \"http://127.0.0.1:0/t\", ", OK_MATCH, ""),
                        ": endpoint: \"http://127.0.0.1:0/t\": port 0 is not a number from 1 to 65535"),
                Arguments.of("endpoint with a query", ruleFile("\"endpoint\": \"http://127.0.0.1:9/t?resource=x\", ",
                        OK_MATCH, ""), ": endpoint: \"http://127.0.0.1:9/t?resource=x\" must have no query: the agent "
                                + "adds api-version, resource and the identity itself"),
                Arguments.of("endpoint host with a label of 64", ruleFile("\"endpoint\": \"http://" + LABEL64
                        + ".example/t\", ", OK_MATCH, ""), ": endpoint: \"http://" + LABEL64 + ".example/t\": host \""
                                + LABEL64 + ".example\" has a label longer than 63 characters"),
                Arguments.of("api_version with &", ruleFile("\"api_version\": \"2018-02-01&x=1\", ", OK_MATCH, ""),
                        ": api_version: \"2018-02-01&x=1\" is not an API version such as 2018-02-01 (letters, "
                                + "digits, '.', '-' and '_')"),
                Arguments.of("timeout a signed string", ruleFile("\"read_timeout_ms\": \"+5\", ", OK_MATCH, ""),
                        ": read_timeout_ms: \"+5\" is not a whole number of milliseconds from 1 to 2147483647"),
                Arguments.of("client_id with a space", ruleFile("", OK_MATCH, ", \"client_id\": \"abc def\""),
                        ": rules[0].client_id: has white space or a control character (U+0020)"));
    }

    static Stream<Arguments> configurationCases() {
        return Jdk.all().stream().flatMap(jdk -> configurationThatCannotBeRight().map(a -> Arguments.of(jdk,
                a.get()[0], a.get()[1], a.get()[2])));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurationCases")
    void configurationThatCannotBeRightStopsTheJvmWithOneLine(Jdk jdk, String name, String json, String error)
            throws Exception {
        Path rules = dir.resolve("rules.json");
        Files.writeString(rules, json);
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("config=" + rules).run("urlconnection", apiUrl("/x"));

        assertEquals(List.of("token-agent: configuration error: " + rules + error), result.stderrLines(),
                result.toString());
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(0, tokenCalls());
    }
}
