package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Configuration as users write it (a JSON file of several rules, system properties, wildcards), where tokens come
 * from, and what happens when the token endpoint is slow or absent.
 */
class ConfigurationIT extends AgentTestSupport {

    private static final String CLIENT_ID = "11111111-2222-3333-4444-555555555555";

    @TempDir
    Path dir;

    static Stream<Jdk> jdks() {
        return Jdk.all().stream();
    }

    static Stream<Arguments> proxiedClients() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("urlconnection", "httpclient")
                .map(client -> Arguments.of(jdk, client)));
    }

    /** The endpoint's answer depends on resource and identity, so that each header shows where its token came from. */
    private static void tokenPerResourceAndIdentity() {
        for (String resource : List.of("https://one.example", "https://two.example")) {
            String name = resource.substring(8, 11);
            tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).withQueryParam("resource", equalTo(resource))
                    .withQueryParam("client_id", absent()).willReturn(okJson(tokenJson("token-" + name, 3600))));
            tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).withQueryParam("resource", equalTo(resource))
                    .withQueryParam("client_id", equalTo(CLIENT_ID))
                    .willReturn(okJson(tokenJson("token-" + name + "-user", 3600))));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void jsonFileRulesEachGetTheirResourcesTokenAndShareTheCache(Jdk jdk) throws Exception {
        tokenPerResourceAndIdentity();
        int port = api.port();
        Path config = dir.resolve("rules.json");
        Files.writeString(config, "{\n"
                + "  \"endpoint\": \"" + endpoint() + "\",\n"
                + "  \"rules\": [\n"
                + "    {\"match\": \"http://127.0.0.1:" + port + "/a\", \"resource\": \"https://one.example\"},\n"
                + "    {\"match\": \"http://127.0.0.1:" + port + "/a/special\", \"resource\": \"https://two.example\"},\n"
                + "    {\"match\": \"http://127.0.0.1:" + port + "/b\", \"resource\": \"https://two.example\",\n"
                + "     \"client_id\": \"" + CLIENT_ID + "\", \"header\": \"X-Api-Token\", \"prefix\": \"Token\"},\n"
                + "    {\"match\": \"http://127.0.0.1:" + port + "/c\", \"resource\": \"https://one.example\",\n"
                + "     \"client_id\": \"" + CLIENT_ID + "\"},\n"
                + "    {\"match\": \"http://127.0.0.1:" + port + "/e\", \"resource\": \"https://one.example\",\n"
                + "     \"object_id\": \"oid-1\"},\n"
                + "    {\"match\": \"http://127.0.0.1:" + port + "/f\", \"resource\": \"https://one.example\",\n"
                + "     \"msi_res_id\": \"/subscriptions/s/resourceGroups/g/providers/x/y\",\n"
                + "     \"authority\": \"https://login.example/tenant\"},\n"
                + "    {\"match\": \"http://127.0.0.1:" + other.port() + "\", \"resource\": \"https://one.example\"}\n"
                + "  ]\n"
                + "}\n");
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("config=" + config).run("urlconnection",
                apiUrl("/a/x"), apiUrl("/a/special/y"), apiUrl("/b/x"), apiUrl("/c/x"), otherUrl("/anything"),
                apiUrl("/d/x"), apiUrl("/a/x"), apiUrl("/e/x"), apiUrl("/f/x"));

        assertEquals(9, result.responses().stream().filter(l -> l.startsWith("STATUS 200")).count(), result.toString());
        assertEquals(List.of("Bearer token-one", "Bearer token-one"), received(api, "/a/x", "Authorization"));
        assertEquals(List.of("Bearer token-one"), received(api, "/a/special/y", "Authorization"),
                "the first matching rule wins");
        assertEquals(List.of("Token token-two-user"), received(api, "/b/x", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(api, "/b/x", "Authorization"));
        assertEquals(List.of("Bearer token-one-user"), received(api, "/c/x", "Authorization"),
                "same resource, other identity: another token");
        assertEquals(List.of("Bearer token-one"), received(other, "/anything", "Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/d/x", "Authorization"));
        // one fetch per (resource, identity): one, two+client, one+client, one+object, one+resource id
        assertEquals(5, tokenCalls(), "tokens are cached per resource and identity");
        tokens.verify(1, getRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withQueryParam("resource", equalTo("https://one.example")).withQueryParam("client_id", absent())
                .withQueryParam("object_id", absent()).withQueryParam("msi_res_id", absent()));
        tokens.verify(1, getRequestedFor(urlPathEqualTo(TOKEN_PATH)).withQueryParam("object_id", equalTo("oid-1"))
                .withQueryParam("client_id", absent()).withQueryParam("msi_res_id", absent()));
        tokens.verify(1, getRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withQueryParam("msi_res_id", equalTo("/subscriptions/s/resourceGroups/g/providers/x/y"))
                .withQueryParam("authority", equalTo("https://login.example/tenant"))
                .withQueryParam("client_id", absent()).withQueryParam("object_id", absent()));
        tokens.verify(5, getRequestedFor(urlPathEqualTo(TOKEN_PATH)).withHeader("Metadata", equalTo("true"))
                .withQueryParam("api-version", equalTo("2018-02-01")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("proxiedClients")
    void wildcardHostsMatchThroughAProxyAndTheTokenEndpointIsNeverProxied(Jdk jdk, String client)
            throws Exception {
        tokenEndpointGives("token-wild", 3600);
        int port = api.port();
        // The application reaches made-up host names through an HTTP proxy, which is the api server (WireMock
        // answers absolute-form requests by path). The agent must still call the token endpoint directly.
        AgentJvm.Result result = AgentJvm.on(jdk)
                .agentArgs("endpoint=" + endpoint() + ",match=http://*.wild.test:" + port + "/api,resource="
                        + RESOURCE)
                .jvmArg("-Dhttp.proxyHost=127.0.0.1").jvmArg("-Dhttp.proxyPort=" + port)
                .jvmArg("-Dhttp.nonProxyHosts=nothing.invalid")
                .run(client, "--system-proxy", "http://svc.wild.test:" + port + "/api/one",
                        "http://a.b.wild.test:" + port + "/api/two", "http://wild.test:" + port + "/api/three",
                        "http://svc.wild.test.evil:" + port + "/api/four", "http://svc.wild.test:" + port + "/open");

        assertEquals(5, result.responses().stream().filter(l -> l.startsWith("STATUS 200")).count(), result.toString());
        assertEquals("svc.wild.test:" + port, api.findAll(getRequestedFor(urlPathEqualTo("/api/one"))).get(0)
                .getHeader("Host"), "the request went through the proxy");
        assertEquals(List.of("Bearer token-wild"), received(api, "/api/one", "Authorization"));
        assertEquals(List.of("Bearer token-wild"), received(api, "/api/two", "Authorization"),
                "*. matches one or more labels");
        assertEquals(Collections.singletonList(null), received(api, "/api/three", "Authorization"),
                "*.wild.test does not match wild.test itself");
        assertEquals(Collections.singletonList(null), received(api, "/api/four", "Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/open", "Authorization"));
        assertEquals(1, tokenCalls(), "the token endpoint was called directly");
        assertEquals(0, api.findAll(getRequestedFor(urlPathEqualTo(TOKEN_PATH))).size(),
                "the token request went through the application's proxy");
        assertTrue(result.stderrLines().stream().anyMatch(l -> l.startsWith("token-agent: WARN")
                && l.contains("plain http")), "plain http to a non-loopback host must be warned about:\n"
                + result.stderr());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void agentArgumentsBeatSystemPropertiesWhichBeatEnvironment(Jdk jdk) throws Exception {
        tokenEndpointGives("token-any", 3600);
        AgentJvm.Result fromArgs = AgentJvm.on(jdk).agentArgs("resource=res-arg")
                .jvmArg("-Dtokenagent.resource=res-sys").jvmArg("-Dtokenagent.endpoint=" + endpoint())
                .jvmArg("-Dtokenagent.match=" + apiUrl("/api")).env("TOKEN_AGENT_RESOURCE", "res-env")
                .run("urlconnection", apiUrl("/api/args"));
        AgentJvm.Result fromProperties = AgentJvm.on(jdk).jvmArg("-Dtokenagent.resource=res-sys")
                .jvmArg("-Dtokenagent.endpoint=" + endpoint()).jvmArg("-Dtokenagent.match=" + apiUrl("/api"))
                .env("TOKEN_AGENT_RESOURCE", "res-env").run("urlconnection", apiUrl("/api/props"));

        assertEquals(List.of("STATUS 200 ok"), fromArgs.responses(), fromArgs.toString());
        assertEquals(List.of("STATUS 200 ok"), fromProperties.responses(), fromProperties.toString());
        assertEquals(List.of("Bearer token-any"), received(api, "/api/args", "Authorization"));
        assertEquals(List.of("Bearer token-any"), received(api, "/api/props", "Authorization"));
        List<String> resources = tokens.findAll(getRequestedFor(urlPathEqualTo(TOKEN_PATH))).stream()
                .map(r -> r.queryParameter("resource").firstValue()).toList();
        assertEquals(List.of("res-arg", "res-sys"), resources);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void prefetchFetchesAtStartAndTheFirstRequestUsesThatToken(Jdk jdk) throws Exception {
        tokenEndpointGives("token-early", 3600);
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api", "prefetch=true"))
                .run("urlconnection", "--wait", "1500", apiUrl("/api/later"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-early"), received(api, "/api/later", "Authorization"));
        assertEquals(1, tokenCalls());
        LoggedRequest fetch = tokens.findAll(getRequestedFor(urlPathEqualTo(TOKEN_PATH))).get(0);
        LoggedRequest use = api.findAll(getRequestedFor(urlPathEqualTo("/api/later"))).get(0);
        long ahead = use.getLoggedDate().getTime() - fetch.getLoggedDate().getTime();
        assertTrue(ahead >= 1000, "the token was fetched only " + ahead + " ms before the first request, not at start");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aHangingTokenEndpointFailsTheRequestWithinTheConfiguredTimeouts(Jdk jdk) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-late", 3600))
                .withFixedDelay(8000)));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("endpoint=" + endpoint() + ",match=" + apiUrl("/api")
                + ",resource=" + RESOURCE + ",read_timeout_ms=300,retry_timeout_ms=1000")
                .run("urlconnection", apiUrl("/api/slow"));

        assertEquals(1, result.responses().size(), result.toString());
        String line = result.responses().get(0);
        assertTrue(line.startsWith("ERROR java.io.IOException: token-agent: ")
                || line.startsWith("ERROR java.net.SocketTimeoutException: token-agent: "), line);
        assertTrue(line.contains(RESOURCE), line);
        assertTrue(line.toLowerCase(Locale.ROOT).contains("timed out")
                || line.toLowerCase(Locale.ROOT).contains("timeout"), "the cause is the timeout: " + line);
        assertTrue(result.millis() < 7000, "the application waited " + result.millis() + " ms for a token");
        assertEquals(0, api.getAllServeEvents().size(), "the request must not go out");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anAbsentTokenEndpointIsRetriedThenReportedWithItsCause(Jdk jdk) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("endpoint=http://127.0.0.1:" + closedPort + TOKEN_PATH
                + ",match=" + apiUrl("/api") + ",resource=" + RESOURCE + ",retry_timeout_ms=1500")
                .run("httpclient", apiUrl("/api/none"));

        String line = assertFailedClosed(result);
        assertTrue(line.toLowerCase(Locale.ROOT).contains("refused") || line.contains("ConnectException"),
                "the cause is the refused connection: " + line);
        assertTrue(result.millis() < 8000, "the application waited " + result.millis() + " ms for a token");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aMalformedTokenResponseIsReportedWithoutQuotingTheToken(Jdk jdk) throws Exception {
        String token = "eyJhbGciOiJSUzI1NiJ9.Zq7XkP2vNw9LmR4tY8sBq3Hd";
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"" + token + "\",\"expires_in\":\"3599\",\"token_type\":")));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("endpoint=" + endpoint() + ",match=" + apiUrl("/api")
                + ",resource=" + RESOURCE + ",retry_timeout_ms=1000,log_level=debug")
                .run("urlconnection", apiUrl("/api/m"));

        assertEquals(1, result.responses().size(), result.toString());
        assertTrue(result.responses().get(0).startsWith("ERROR java.io.IOException: token-agent: "),
                result.toString());
        for (int i = 0; i + 8 <= token.length(); i++) {
            String part = token.substring(i, i + 8);
            assertFalse(result.stdout().contains(part), "the application's error quotes the token:\n" + result);
            assertFalse(result.stderr().contains(part), "the log quotes the token:\n" + result);
        }
        assertEquals(0, api.getAllServeEvents().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aFailedRefreshKeepsServingTheCurrentTokenUntilItExpires(Jdk jdk) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).inScenario("stale").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(tokenJson("token-eight", 8))).willSetStateTo("down"));
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).inScenario("stale").whenScenarioStateIs("down")
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":\"down\"}")));
        // requests over ~4.4 s of an 8 s token: the refresh (due about half-way) fails, the token is still valid
        // (with ~2 s to spare for a slow JVM start: its lifetime counts from when the stub was made)
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run("urlconnection", "--repeat", "12",
                "--interval", "400", apiUrl("/api/stale"));

        assertEquals(Collections.nCopies(12, "STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(Collections.nCopies(12, "Bearer token-eight"), received(api, "/api/stale", "Authorization"));
        assertTrue(tokenCalls() >= 2, "a refresh was attempted before expiry: " + tokenCalls() + " calls");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void rulesFromOneEnvironmentVariableNeedNoFile(Jdk jdk) throws Exception {
        tokenPerResourceAndIdentity();
        String rules = "[{\"match\": \"" + apiUrl("/one") + "\", \"resource\": \"https://one.example\"},\n"
                + " {\"match\": \"" + apiUrl("/two") + "\", \"scope\": \"https://two.example/.default\", "
                + "\"client_id\": \"" + CLIENT_ID + "\"}]";
        AgentJvm.Result result = AgentJvm.on(jdk).env("TOKEN_AGENT_RULES", rules)
                .env("TOKEN_AGENT_ENDPOINT", endpoint()).run("urlconnection", apiUrl("/one/x"), apiUrl("/two/y"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-one"), received(api, "/one/x", "Authorization"));
        assertEquals(List.of("Bearer token-two-user"), received(api, "/two/y", "Authorization"),
                "a .default scope is the resource before it for a managed-identity endpoint");

        AgentJvm.Result bad = AgentJvm.on(jdk).env("TOKEN_AGENT_RULES", "[{\"match\": \"" + apiUrl("/one")
                + "\", \"resource\": \"r\", \"client_id\": \"a\", \"object_id\": \"b\"}]")
                .env("TOKEN_AGENT_ENDPOINT", endpoint()).run("urlconnection", apiUrl("/one/x"));
        assertEquals(1, bad.exitCode(), bad.toString());
        assertEquals(List.of("token-agent: configuration error: environment variable TOKEN_AGENT_RULES: rules[0]: "
                + "has both client_id and object_id: give at most one"), bad.stderrLines());
    }
}
