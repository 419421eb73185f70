package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.http.HttpHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Start-up, configuration errors, logging and isolation: what an operator sees. */
class AgentBehaviourIT extends AgentTestSupport {

    private static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-payload-7f3a9c";

    @TempDir
    Path dir;

    static Stream<Jdk> jdks() {
        return Jdk.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void noTokenOrPartOfOneIsEverLogged(Jdk jdk) throws Exception {
        tokenEndpointGives(TOKEN, 3600);
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api", "log_level=debug"))
                .run("urlconnection", apiUrl("/api/secret"), apiUrl("/public"));

        assertEquals(List.of("Bearer " + TOKEN), received(api, "/api/secret", "Authorization"));
        for (int i = 0; i + 8 <= TOKEN.length(); i++) {
            assertFalse(result.stderr().contains(TOKEN.substring(i, i + 8)), "stderr shows part of the token:\n"
                    + result.stderr());
        }
        assertTrue(result.stderr().contains("sha256:"), result.stderr());
        assertTrue(result.stderr().contains("DEBUG"), "debug logging was on:\n" + result.stderr());
        for (String line : result.stderrLines()) {
            assertTrue(line.startsWith("token-agent: "), "not an agent line: " + line);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void startsWithoutAnyJvmWarning(Jdk jdk) throws Exception {
        tokenEndpointGives("token", 3600);
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run("httpclient", apiUrl("/api/x"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertTrue(result.stderrLines().stream().allMatch(l -> l.startsWith("token-agent: INFO")), result.stderr());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void noRulesMeansOneInfoLineAndNothingTouched(Jdk jdk) throws Exception {
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("endpoint=" + endpoint()).run("urlconnection",
                apiUrl("/api/x"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("token-agent: INFO no rules configured: nothing is instrumented"), result.stderrLines());
        assertEquals(0, tokenCalls());
    }

    static Stream<Arguments> configErrors() {
        return jdks().flatMap(jdk -> Stream.of(
                Arguments.of(jdk, "unknown key", "{\"rules\":[], \"timeout\": 5}",
                        "rules.json: timeout: unknown key"),
                Arguments.of(jdk, "bad json", "{\"rules\": [\n  {\"match\": \"https://a.example\",,}]}",
                        "rules.json line 2 column"),
                Arguments.of(jdk, "two identities", "{\"rules\":[{\"match\":\"https://a.example\",\"resource\":\"r\","
                        + "\"client_id\":\"a\",\"object_id\":\"b\"}]}",
                        "rules.json: rules[0]: has both client_id and object_id: give at most one"),
                Arguments.of(jdk, "bad match", "{\"rules\":[{\"match\":\"ftp://a.example\",\"resource\":\"r\"}]}",
                        "rules.json: rules[0].match: \"ftp://a.example\": scheme must be http or https"),
                Arguments.of(jdk, "matches the endpoint", "{\"endpoint\":\"http://127.0.0.1:9/token\",\"rules\":"
                        + "[{\"match\":\"http://127.0.0.1:9\",\"resource\":\"r\"}]}",
                        "also matches the token endpoint")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configErrors")
    void configurationErrorStopsTheJvmBeforeMainWithOneLine(Jdk jdk, String name, String json, String expected)
            throws Exception {
        Path rules = dir.resolve("rules.json");
        Files.writeString(rules, json);
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("config=" + rules).run("urlconnection", apiUrl("/x"));

        assertNotEquals(0, result.exitCode(), result.toString());
        assertFalse(result.stdout().contains("MAIN started"), "main must not run:\n" + result);
        assertOneConfigurationErrorLine(result, expected);
    }

    static Stream<Arguments> configErrorsOutsideAFile() {
        String rule = "endpoint=http://127.0.0.1:9/token,match=http://127.0.0.1:8/api,resource=r";
        return jdks().flatMap(jdk -> Stream.of(
                Arguments.of(jdk, "unknown agent argument", rule + ",colour=blue", List.of(), List.of(),
                        "colour"),
                Arguments.of(jdk, "two identities inline", rule + ",client_id=a,msi_res_id=b", List.of(),
                        List.of(), "client_id"),
                Arguments.of(jdk, "bad inline match", "endpoint=http://127.0.0.1:9/token,match=not a url,resource=r",
                        List.of(), List.of(), "match"),
                Arguments.of(jdk, "inline rule matching the endpoint",
                        "endpoint=http://127.0.0.1:9/token,match=http://127.0.0.1:9,resource=r", List.of(),
                        List.of(), "token endpoint"),
                Arguments.of(jdk, "missing config file", "config=/nonexistent/rules.json", List.of(), List.of(),
                        "/nonexistent/rules.json"),
                Arguments.of(jdk, "system property", null, List.of("-Dtokenagent.on_failure=sometimes"),
                        List.of(), "tokenagent.on_failure"),
                Arguments.of(jdk, "environment variable", null, List.of(), List.of("TOKEN_AGENT_LOG_LEVEL=loud"),
                        "TOKEN_AGENT_LOG_LEVEL")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configErrorsOutsideAFile")
    void configurationErrorFromAnySourceStopsTheJvmBeforeMainAndNamesWhere(Jdk jdk, String name, String agentArgs,
            List<String> jvmArgs, List<String> env, String where) throws Exception {
        AgentJvm jvm = AgentJvm.on(jdk).agentArgs(agentArgs);
        jvmArgs.forEach(jvm::jvmArg);
        env.forEach(e -> jvm.env(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1)));
        AgentJvm.Result result = jvm.run("urlconnection", apiUrl("/x"));

        assertNotEquals(0, result.exitCode(), result.toString());
        assertFalse(result.stdout().contains("MAIN started"), "main must not run:\n" + result);
        assertOneConfigurationErrorLine(result, where);
        assertEquals(0, tokenCalls());
    }

    private static void assertOneConfigurationErrorLine(AgentJvm.Result result, String expected) {
        assertEquals(1, result.stderrLines().size(), "one line, no stack trace, no JVM message:\n" + result.stderr());
        String line = result.stderrLines().get(0);
        assertTrue(line.startsWith("token-agent: configuration error: "), line);
        assertTrue(line.contains(expected), "does not say " + expected + ": " + line);
        assertFalse(line.contains("Exception") || line.trim().startsWith("at "), line);
    }

    @org.junit.jupiter.api.Test
    void theResourceServersRejectARequestCarryingTheHeaderTwice() throws Exception {
        // The guard every test relies on: prove it fires. A raw request, since clients merge duplicates.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", api.port())) {
            socket.getOutputStream().write(("GET /api/twice HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer a\r\nAuthorization: Bearer b\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.US_ASCII);
            assertTrue(response.startsWith("HTTP/1.1 400"), response);
        }
        api.resetRequests(); // else the check after each test fails this one too
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void configurationErrorInAnAgentArgumentNamesIt(Jdk jdk) throws Exception {
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("on_failure=sometimes").run("urlconnection",
                apiUrl("/x"));

        assertNotEquals(0, result.exitCode());
        assertEquals(List.of("token-agent: configuration error: agent argument on_failure: \"sometimes\" is not "
                + "one of fail and proceed"), result.stderrLines());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void environmentVariablesConfigureTheAgent(Jdk jdk) throws Exception {
        tokenEndpointGives("token-env", 3600);
        AgentJvm.Result result = AgentJvm.on(jdk).env("TOKEN_AGENT_ENDPOINT", endpoint())
                .env("TOKEN_AGENT_MATCH", apiUrl("/api")).env("TOKEN_AGENT_RESOURCE", RESOURCE)
                .run("urlconnection", apiUrl("/api/env"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-env"), received(api, "/api/env", "Authorization"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void theApplicationKeepsItsOwnLibraryVersions(Jdk jdk) throws Exception {
        tokenEndpointGives("token-iso", 3600);
        AgentJvm jvm = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).mainClass("io.tokenagent.it.apps.IsolationApp");
        for (String jar : System.getProperty("isolation.jars").split(java.io.File.pathSeparator)) {
            jvm.classpath(jar);
        }
        AgentJvm.Result result = jvm.run("urlconnection", apiUrl("/api/iso"));

        assertTrue(result.stdout().contains("JACKSON 2.12.7"), result.toString());
        assertTrue(result.stdout().lines().anyMatch(l -> l.startsWith("SLF4J ") && l.contains("slf4j-api-1.7.36")),
                result.toString());
        assertTrue(result.stdout().lines().anyMatch(l -> l.startsWith("ASM ") && l.contains("asm-9.2")),
                result.toString());
        assertTrue(result.stdout().contains("ASM_HAS_V25 false"), "the application must see its own ASM 9.2");
        assertTrue(result.stderrLines().stream().allMatch(l -> l.startsWith("token-agent: ")),
                "no JVM warning (class data sharing, illegal access, Unsafe) at start:\n" + result.stderr());
        assertEquals(List.of("Bearer token-iso"), received(api, "/api/iso", "Authorization"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void unmatchedRequestsAreExactlyAsWithoutTheAgent(Jdk jdk) throws Exception {
        tokenEndpointGives("token", 3600);
        for (String client : List.of("urlconnection", "httpclient", "httpclient-h2")) {
            AgentJvm.on(jdk).withoutAgent().run(client, "--header", "X-Custom:1", otherUrl("/plain/" + client));
            AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run(client, "--header", "X-Custom:1",
                    otherUrl("/agent/" + client));
        }
        for (String client : List.of("urlconnection", "httpclient", "httpclient-h2")) {
            assertEquals(headers("/plain/" + client), headers("/agent/" + client), client);
        }
        assertEquals(0, tokenCalls());
    }

    private static Map<String, String> headers(String path) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (HttpHeader header : other.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(path))).get(0).getHeaders().all()) {
            headers.put(header.key(), String.join(",", header.values()));
        }
        return headers;
    }
}
