package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.notMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The managed-identity sources of issue 9 through a real application: App Service (2019 and 2017), Cloud Shell,
 * Azure Arc and Service Fabric, each against a WireMock stand-in of its endpoint given in the application's
 * environment. The first test of each source leaves {@code source} at auto, so that the environment alone chooses
 * it and the start-up line says how. The sources' code is the same on every JDK (no client or JDK-specific path),
 * so these run on the first JDK only, to keep the JVM starts few.
 */
class ManagedIdentitySourcesIT extends AgentTestSupport {

    static final String MSI_PATH = "/msi/token";

    @TempDir
    Path dir;

    static Stream<Jdk> firstJdk() {
        return Jdk.all().stream().limit(1);
    }

    static String msiEndpoint() {
        return "http://127.0.0.1:" + tokens.port() + MSI_PATH;
    }

    static String rule(String... extra) {
        return "match=" + apiUrl("/api") + ",resource=" + RESOURCE + ",retry_timeout_ms=3000"
                + (extra.length == 0 ? "" : "," + String.join(",", extra));
    }

    /** A token with {@code expires_on} alone, in epoch seconds, an hour from now. */
    static String expiresOnJson(String token) {
        return "{\"access_token\":\"" + token + "\",\"expires_on\":\"" + (System.currentTimeMillis() / 1000 + 3600)
                + "\",\"resource\":\"" + RESOURCE + "\",\"token_type\":\"Bearer\"}";
    }

    /** The agent's start-up line at info: the source, its endpoint and the variables that chose it. */
    static String startLine(AgentJvm.Result result) {
        List<String> lines = result.stderrLines().stream().filter(l -> l.contains("INFO started: ")).toList();
        assertEquals(1, lines.size(), result.toString());
        return lines.get(0);
    }

    static List<LoggedRequest> tokenRequests() {
        return tokens.findAll(getRequestedFor(urlPathEqualTo(MSI_PATH)));
    }

    // ---- App Service, Functions, Container Apps (2019-08-01)

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void appServiceIsChosenByItsVariablesAndSpellsEachSelectorItsWay(Jdk jdk) throws Exception {
        String header = "9e4b7a1c3f5d8e20a6b4";
        tokens.stubFor(get(urlPathEqualTo(MSI_PATH)).withHeader("X-IDENTITY-HEADER", equalTo(header))
                .withQueryParam("api-version", equalTo("2019-08-01")).withQueryParam("resource", equalTo(RESOURCE))
                .willReturn(okJson(expiresOnJson("c41d7e9a02f65b38"))));
        Map<String, String> tokenBySelector = Map.of("client_id", "e07a5c3b91d4f628", "principal_id",
                "a2f9c6e41b7d0358", "mi_res_id", "7b3e0d9f5a1c2846");
        tokenBySelector.forEach((selector, token) -> tokens.stubFor(get(urlPathEqualTo(MSI_PATH))
                .withHeader("X-IDENTITY-HEADER", equalTo(header)).withQueryParam(selector, equalTo("id-" + selector))
                .willReturn(okJson(expiresOnJson(token)))));
        Path config = Files.writeString(dir.resolve("rules.json"), "{\"log_level\": \"debug\", \"rules\": [\n"
                + rulesJson("/api/sys", "") + ",\n"
                + rulesJson("/api/cid", ", \"client_id\": \"id-client_id\"") + ",\n"
                + rulesJson("/api/oid", ", \"object_id\": \"id-principal_id\"") + ",\n"
                + rulesJson("/api/rid", ", \"msi_res_id\": \"id-mi_res_id\"") + "]}");
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("config=" + config)
                .env("IDENTITY_ENDPOINT", msiEndpoint()).env("IDENTITY_HEADER", header)
                .run("urlconnection", apiUrl("/api/sys"), apiUrl("/api/cid"), apiUrl("/api/oid"), apiUrl("/api/rid"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok", "STATUS 200 ok", "STATUS 200 ok"),
                result.responses(), result.toString());
        assertEquals(List.of("Bearer c41d7e9a02f65b38"), received(api, "/api/sys", "Authorization"));
        assertEquals(List.of("Bearer e07a5c3b91d4f628"), received(api, "/api/cid", "Authorization"));
        assertEquals(List.of("Bearer a2f9c6e41b7d0358"), received(api, "/api/oid", "Authorization"));
        assertEquals(List.of("Bearer 7b3e0d9f5a1c2846"), received(api, "/api/rid", "Authorization"));
        assertTrue(startLine(result).contains("tokens from App Service " + msiEndpoint()
                + " (chosen by IDENTITY_ENDPOINT, IDENTITY_HEADER)"), result.toString());
        assertNoSecret(result, header, "c41d7e9a02f65b38", "e07a5c3b91d4f628", "a2f9c6e41b7d0358",
                "7b3e0d9f5a1c2846");
    }

    private static String rulesJson(String path, String extra) {
        return "{\"match\": \"" + apiUrl(path) + "\", \"resource\": \"" + RESOURCE + "\"" + extra + "}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void appServiceErrorReachesTheApplicationWithItsCorrelationId(Jdk jdk) throws Exception {
        String header = "3d8f1b6a0e9c7245f1a3";
        tokens.stubFor(get(urlPathEqualTo(MSI_PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"statusCode\":\"400\",\"message\":\"Unable to load the proper Managed Identity.\","
                        + "\"correlationId\":\"5e2c9a47-corr\"}")));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(rule("source=appservice", "log_level=debug"))
                .env("IDENTITY_ENDPOINT", msiEndpoint()).env("IDENTITY_HEADER", header)
                .run("urlconnection", apiUrl("/api/err"));

        String line = assertFailedClosed(result);
        assertTrue(line.contains("App Service " + msiEndpoint() + ": HTTP 400 400: Unable to load the proper "
                + "Managed Identity. (correlation id 5e2c9a47-corr)"), line);
        assertEquals(1, tokenRequests().size(), "400 is not retried");
        assertNoSecret(result, header);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void appServiceThrottlingIsRetriedAfterRetryAfter(Jdk jdk) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(MSI_PATH)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")).willSetStateTo("ok"));
        tokens.stubFor(get(urlPathEqualTo(MSI_PATH)).inScenario("s").whenScenarioStateIs("ok")
                .willReturn(okJson(expiresOnJson("b5e81c0d7f3a9246"))));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(rule("source=appservice"))
                .env("IDENTITY_ENDPOINT", msiEndpoint()).env("IDENTITY_HEADER", "c8e2a6f0d4b19573")
                .run("urlconnection", apiUrl("/api/retry"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer b5e81c0d7f3a9246"), received(api, "/api/retry", "Authorization"));
        List<LoggedRequest> calls = tokenRequests();
        assertEquals(2, calls.size());
        long waited = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        // the first backoff alone would be 1 to 1.25 s
        assertTrue(waited >= 2000, "Retry-After: 2 honoured, waited " + waited + " ms");
    }

    // ---- App Service 2017 / Azure ML

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void appService2017IsChosenByItsVariablesAndReadsEveryExpiryFormat(Jdk jdk) throws Exception {
        String secret = "61c0e8a4d2b97f35c8e1";
        ZonedDateTime inAnHour = ZonedDateTime.now(ZoneOffset.UTC).plusHours(1);
        Map<String, String> expiryByResource = Map.of(
                "https://linux.example", DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss", Locale.US)
                        .format(inAnHour) + " +00:00",
                "https://windows.example", DateTimeFormatter.ofPattern("M/d/yyyy h:mm:ss a", Locale.US)
                        .format(inAnHour) + " +00:00",
                "https://epoch.example", "" + inAnHour.toEpochSecond());
        expiryByResource.forEach((resource, expiresOn) -> tokens.stubFor(get(urlPathEqualTo(MSI_PATH))
                .withHeader("secret", equalTo(secret)).withQueryParam("api-version", equalTo("2017-09-01"))
                .withQueryParam("resource", equalTo(resource)).willReturn(okJson("{\"access_token\":\"tok-"
                        + resource.substring(8, 13) + "\",\"expires_on\":\"" + expiresOn + "\",\"resource\":\""
                        + resource + "\",\"token_type\":\"Bearer\"}"))));
        // The Linux form is throttled once, then served.
        tokens.stubFor(get(urlPathEqualTo(MSI_PATH)).withQueryParam("resource", equalTo("https://linux.example"))
                .inScenario("s").whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503))
                .willSetStateTo("ok").atPriority(1));
        Path config = Files.writeString(dir.resolve("rules.json"), "{\"log_level\": \"debug\", \"rules\": [\n"
                + "{\"match\": \"" + apiUrl("/api/linux") + "\", \"resource\": \"https://linux.example\"},\n"
                + "{\"match\": \"" + apiUrl("/api/windows") + "\", \"resource\": \"https://windows.example\"},\n"
                + "{\"match\": \"" + apiUrl("/api/epoch") + "\", \"resource\": \"https://epoch.example\", "
                + "\"client_id\": \"cid-2017\"}]}");
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("config=" + config)
                .env("MSI_ENDPOINT", msiEndpoint()).env("MSI_SECRET", secret)
                .run("urlconnection", apiUrl("/api/linux"), apiUrl("/api/windows"), apiUrl("/api/epoch"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok", "STATUS 200 ok"), result.responses(),
                result.toString());
        assertEquals(List.of("Bearer tok-linux"), received(api, "/api/linux", "Authorization"));
        assertEquals(List.of("Bearer tok-windo"), received(api, "/api/windows", "Authorization"));
        assertEquals(List.of("Bearer tok-epoch"), received(api, "/api/epoch", "Authorization"));
        assertEquals(1, tokens.findAll(getRequestedFor(urlPathEqualTo(MSI_PATH))
                .withQueryParam("clientid", equalTo("cid-2017"))).size());
        assertEquals(4, tokenRequests().size(), "the 503 was retried once");
        // Each expiry read as about an hour away: a misread date would be refused or far off.
        List<String> lifetimes = result.stderrLines().stream().filter(l -> l.contains("INFO token for "))
                .map(l -> l.replaceAll(".*: expires in ([0-9]+)\\.[0-9] s.*", "$1")).toList();
        assertEquals(3, lifetimes.size(), result.toString());
        for (String seconds : lifetimes) {
            assertTrue(Integer.parseInt(seconds) > 3500 && Integer.parseInt(seconds) <= 3600, result.toString());
        }
        assertTrue(startLine(result).contains("tokens from App Service (2017) " + msiEndpoint()
                + " (chosen by MSI_ENDPOINT, MSI_SECRET)"), result.toString());
        assertNoSecret(result, secret);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void appService2017ErrorReachesTheApplicationWithoutTheSecret(Jdk jdk) throws Exception {
        String secret = "0f7d3b9e5c1a8246d0e2";
        tokens.stubFor(get(urlPathEqualTo(MSI_PATH)).willReturn(aResponse().withStatus(403).withBody(
                "{\"statusCode\":\"403\",\"message\":\"The secret " + secret + " is not valid\"}")));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(rule("source=appservice2017", "log_level=debug"))
                .env("MSI_ENDPOINT", msiEndpoint()).env("MSI_SECRET", secret)
                .run("urlconnection", apiUrl("/api/err"));

        String line = assertFailedClosed(result);
        // The endpoint's own message is quoted, but not a secret this stand-in echoes in it (a broken one might).
        assertTrue(line.contains("App Service (2017) " + msiEndpoint() + ": HTTP 403 403: The secret (redacted) is "
                + "not valid"), line);
        assertEquals(1, tokenRequests().size(), "403 is not retried");
        assertNoSecret(result, secret);
    }

    // ---- Cloud Shell

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void cloudShellIsChosenByMsiEndpointAlonePostsTheResourceAndRetries(Jdk jdk) throws Exception {
        tokens.stubFor(post(urlPathEqualTo(MSI_PATH)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502)).willSetStateTo("ok"));
        tokens.stubFor(post(urlPathEqualTo(MSI_PATH)).inScenario("s").whenScenarioStateIs("ok")
                .withHeader("Metadata", equalTo("true"))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withRequestBody(equalTo("resource=https%3A%2F%2Fresource.example"))
                .willReturn(okJson("{\"access_token\":\"9a4c2e7f1b0d3865\",\"expires_in\":\"3599\",\"expires_on\":\""
                        + (System.currentTimeMillis() / 1000 + 3599) + "\",\"token_type\":\"Bearer\"}")));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(rule("log_level=debug"))
                .env("MSI_ENDPOINT", msiEndpoint()).run("urlconnection", apiUrl("/api/shell"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer 9a4c2e7f1b0d3865"), received(api, "/api/shell", "Authorization"));
        assertEquals(2, tokens.findAll(postRequestedFor(urlPathEqualTo(MSI_PATH))).size());
        assertTrue(startLine(result).contains("tokens from Cloud Shell " + msiEndpoint()
                + " (chosen by MSI_ENDPOINT without MSI_SECRET)"), result.toString());
        assertNoSecret(result, "9a4c2e7f1b0d3865");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void cloudShellNestedErrorReachesTheApplication(Jdk jdk) throws Exception {
        tokens.stubFor(post(urlPathEqualTo(MSI_PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":{\"code\":\"AudienceNotSupported\",\"message\":\"Audience https://resource.example is "
                        + "not a supported MSI token audience.\"}}")));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(rule("source=cloudshell"))
                .env("MSI_ENDPOINT", msiEndpoint()).run("urlconnection", apiUrl("/api/err"));

        String line = assertFailedClosed(result);
        assertTrue(line.contains("Cloud Shell " + msiEndpoint() + ": HTTP 400 AudienceNotSupported: Audience "
                + "https://resource.example is not a supported MSI token audience."), line);
    }

    // ---- What a protocol cannot express stops the application before main

    static Stream<Arguments> inexpressibleSelectors() {
        return Stream.of(
                Arguments.of("appservice2017", "object_id=oid-1", List.of("MSI_ENDPOINT", "MSI_SECRET"),
                        "object_id=oid-1 cannot be asked for: App Service's 2017 protocol names a user-assigned "
                                + "identity by client_id only (tokens from App Service (2017) "),
                Arguments.of("cloudshell", "client_id=cid-1", List.of("MSI_ENDPOINT"),
                        "client_id=cid-1 cannot be asked for: Cloud Shell gives only the signed-in user's token "
                                + "(tokens from Cloud Shell "),
                Arguments.of("servicefabric", "msi_res_id=/sub/x", List.of("IDENTITY_ENDPOINT", "IDENTITY_HEADER",
                        "IDENTITY_SERVER_THUMBPRINT"), "msi_res_id=/sub/x cannot be asked for: on Service Fabric "
                                + "the application's identity is the one the cluster gives it (tokens from Service "
                                + "Fabric "));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("inexpressibleSelectors")
    void aSelectorTheProtocolCannotExpressIsAConfigurationError(String source, String selector, List<String> vars,
            String expected) throws Exception {
        AgentJvm jvm = AgentJvm.on(Jdk.all().get(0)).agentArgs(rule("source=" + source, selector));
        for (String name : vars) {
            jvm.env(name, name.endsWith("THUMBPRINT") ? "AB".repeat(20) : name.endsWith("ENDPOINT")
                    ? "https://127.0.0.1:1" + MSI_PATH : "s");
        }
        AgentJvm.Result result = jvm.run("urlconnection", apiUrl("/api/x"));

        assertEquals(1, result.exitCode(), result.toString());
        assertFalse(result.stdout().contains("MAIN started"), result.toString());
        assertEquals(1, result.stderrLines().size(), result.toString());
        assertTrue(result.stderrLines().get(0).startsWith("token-agent: configuration error: "), result.toString());
        assertTrue(result.stderrLines().get(0).contains(expected), result.toString());
    }

    // ---- Azure Arc

    private static final String ARC_KEY = "d4b8e2f6a0c39175b6e0";

    /** An Arc agent: the challenge for {@code resource} names {@code realm}; the key answers it. */
    private static void arcAgent(String resource, Path realm, String body) {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).withQueryParam("resource", equalTo(resource))
                .withHeader("Metadata", equalTo("true")).withHeader("Authorization", absent())
                .withQueryParam("api-version", equalTo("2020-06-01"))
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=" + realm)));
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).withQueryParam("resource", equalTo(resource))
                .withHeader("Authorization", equalTo("Basic " + ARC_KEY)).willReturn(okJson(body)));
    }

    private static String imdsJson(String token, String extra) {
        return "{\"access_token\":\"" + token + "\",\"expires_in\":\"3599\",\"expires_on\":\""
                + (System.currentTimeMillis() / 1000 + 3599) + "\",\"token_type\":\"Bearer\"" + extra + "}";
    }

    private AgentJvm arc(Jdk jdk, Path tokensDir) {
        // The test-only tokens directory (the real one is /var/opt/azcmagent/tokens, root's).
        return AgentJvm.on(jdk).jvmArg("-Dio.tokenagent.test.arc-tokens-dir=" + tokensDir)
                .env("IDENTITY_ENDPOINT", endpoint()).env("IMDS_ENDPOINT", "http://127.0.0.1:" + tokens.port());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void arcIsChosenByItsVariablesAndAnswersTheChallengeWithTheKeyFile(Jdk jdk) throws Exception {
        Path tokensDir = Files.createDirectory(dir.resolve("tokens"));
        Path key = Files.writeString(tokensDir.resolve("c1.key"), ARC_KEY);
        arcAgent(RESOURCE, key, imdsJson("8e1f5b3d7a9c0264", ""));
        arcAgent("https://user.example", key, imdsJson("2c6a0e4f8b1d5397", ",\"client_id\":\"cid-arc\""));
        // the endpoint is updating once, after the challenge
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).withQueryParam("resource", equalTo(RESOURCE))
                .withHeader("Authorization", equalTo("Basic " + ARC_KEY)).inScenario("s")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503)).willSetStateTo("ok")
                .atPriority(1));
        Path config = Files.writeString(dir.resolve("rules.json"), "{\"log_level\": \"debug\", \"rules\": [\n"
                + rulesJson("/api/sys", "") + ",\n"
                + "{\"match\": \"" + apiUrl("/api/user") + "\", \"resource\": \"https://user.example\", "
                + "\"client_id\": \"cid-arc\"}]}");
        AgentJvm.Result result = arc(jdk, tokensDir).agentArgs("config=" + config)
                .run("urlconnection", apiUrl("/api/sys"), apiUrl("/api/user"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer 8e1f5b3d7a9c0264"), received(api, "/api/sys", "Authorization"));
        assertEquals(List.of("Bearer 2c6a0e4f8b1d5397"), received(api, "/api/user", "Authorization"));
        assertEquals(1, tokens.findAll(getRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withQueryParam("client_id", equalTo("cid-arc")).withHeader("Authorization", absent())).size());
        assertEquals(6, tokenCalls(), "two calls for each attempt, one attempt retried");
        assertTrue(startLine(result).contains("tokens from Azure Arc " + endpoint()
                + " (chosen by IDENTITY_ENDPOINT, IMDS_ENDPOINT)"), result.toString());
        assertNoSecret(result, ARC_KEY, "8e1f5b3d7a9c0264", "2c6a0e4f8b1d5397");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void arcRefusesKeyFilesItShouldNotReadAndIdentitiesItDidNotGet(Jdk jdk) throws Exception {
        Path tokensDir = Files.createDirectory(dir.resolve("tokens"));
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path outside = Files.writeString(elsewhere.resolve("c1.key"), ARC_KEY);
        Path notKey = Files.writeString(tokensDir.resolve("c1.txt"), ARC_KEY);
        Path big = Files.writeString(tokensDir.resolve("big.key"), ARC_KEY + "0".repeat(4096));
        Path key = Files.writeString(tokensDir.resolve("c1.key"), ARC_KEY);
        arcAgent("https://outside.example", outside, imdsJson("t", ""));
        arcAgent("https://notkey.example", notKey, imdsJson("t", ""));
        arcAgent("https://big.example", big, imdsJson("t", ""));
        arcAgent("https://user.example", key, imdsJson("5f9b1d3e7c0a2468", ""));
        StringBuilder rules = new StringBuilder("{\"rules\": [\n");
        for (String name : List.of("outside", "notkey", "big", "user")) {
            rules.append("{\"match\": \"").append(apiUrl("/api/" + name)).append("\", \"resource\": \"https://")
                    .append(name).append(".example\"").append(name.equals("user") ? ", \"object_id\": \"oid-arc\""
                            : "").append(name.equals("user") ? "}\n" : "},\n");
        }
        Path config = Files.writeString(dir.resolve("rules.json"), rules + "], \"log_level\": \"debug\"}");
        AgentJvm.Result result = arc(jdk, tokensDir).agentArgs("config=" + config).run("urlconnection",
                apiUrl("/api/outside"), apiUrl("/api/notkey"), apiUrl("/api/big"), apiUrl("/api/user"));

        List<String> errors = result.responses();
        assertEquals(4, errors.size(), result.toString());
        assertTrue(errors.get(0).contains("(" + outside + ") is refused: it is not in the Arc agent's tokens "
                + "directory " + tokensDir.toRealPath()), errors.get(0));
        assertTrue(errors.get(1).contains("(" + notKey + ") is refused: it is not a .key file"), errors.get(1));
        assertTrue(errors.get(2).contains("(" + big + ") is refused: it is not a file of at most 4096 bytes"),
                errors.get(2));
        assertTrue(errors.get(3).contains("the token is not shown to be for object_id=oid-arc"), errors.get(3));
        assertEquals(0, api.getAllServeEvents().size(), "no request went out without its token");
        assertEquals(0, tokens.findAll(getRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withHeader("Authorization", equalTo("Basic " + ARC_KEY))
                .withQueryParam("resource", notMatching("https://user.example"))).size(),
                "no refused key file was sent");
        assertNoSecret(result, ARC_KEY, "5f9b1d3e7c0a2468");
    }

    // ---- Service Fabric

    @TempDir
    static Path certificateDir;
    static SelfSignedCertificate certificate;
    static WireMockServer fabric;

    @BeforeAll
    static void startFabric() throws Exception {
        // Issued to a name that is not the address called: only the pinned thumbprint can make it trusted.
        certificate = SelfSignedCertificate.generate(certificateDir, "sf-cluster");
        fabric = new WireMockServer(options().dynamicPort().dynamicHttpsPort().bindAddress("127.0.0.1")
                .keystorePath(certificate.keystore().toString()).keystorePassword(certificate.password())
                .keyManagerPassword(certificate.password()).keystoreType("PKCS12"));
        fabric.start();
    }

    @AfterAll
    static void stopFabric() {
        fabric.stop();
    }

    @BeforeEach
    void resetFabric() {
        fabric.resetAll();
    }

    static String fabricEndpoint() {
        return "https://127.0.0.1:" + fabric.httpsPort() + MSI_PATH;
    }

    private static AgentJvm serviceFabric(Jdk jdk, String header, String thumbprint) {
        return AgentJvm.on(jdk).env("IDENTITY_ENDPOINT", fabricEndpoint()).env("IDENTITY_HEADER", header)
                .env("IDENTITY_SERVER_THUMBPRINT", thumbprint);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void serviceFabricIsChosenByItsVariablesAndTrustsTheClusterByThumbprint(Jdk jdk) throws Exception {
        String header = "a7c3e9f1b5d20864c2e6";
        fabric.stubFor(get(urlPathEqualTo(MSI_PATH)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"code\":\"Busy\"}}"))
                .willSetStateTo("ok"));
        fabric.stubFor(get(urlPathEqualTo(MSI_PATH)).inScenario("s").whenScenarioStateIs("ok")
                .withHeader("Secret", equalTo(header)).withQueryParam("api-version", equalTo("2019-07-01-preview"))
                .withQueryParam("resource", equalTo(RESOURCE))
                .willReturn(okJson("{\"access_token\":\"0b4d8f2a6c1e3957\",\"expires_on\":"
                        + (System.currentTimeMillis() / 1000 + 3600) + ",\"resource\":\"" + RESOURCE
                        + "\",\"token_type\":\"Bearer\"}")));
        AgentJvm.Result result = serviceFabric(jdk, header, certificate.sha1Thumbprint())
                .agentArgs(rule("log_level=debug")).run("urlconnection", apiUrl("/api/sf"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer 0b4d8f2a6c1e3957"), received(api, "/api/sf", "Authorization"));
        assertEquals(2, fabric.getAllServeEvents().size(), "the 500 was retried");
        assertTrue(startLine(result).contains("tokens from Service Fabric " + fabricEndpoint()
                + " (chosen by IDENTITY_ENDPOINT, IDENTITY_HEADER, IDENTITY_SERVER_THUMBPRINT)"), result.toString());
        assertNoSecret(result, header, "0b4d8f2a6c1e3957");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void serviceFabricWithAnotherThumbprintReachesNothing(Jdk jdk) throws Exception {
        fabric.stubFor(get(urlPathEqualTo(MSI_PATH)).willReturn(okJson(expiresOnJson("t"))));
        String other = (certificate.sha1Thumbprint().startsWith("00") ? "11" : "00")
                + certificate.sha1Thumbprint().substring(2);
        AgentJvm.Result result = serviceFabric(jdk, "e5a1c7f3b9d04862", other).agentArgs("match=" + apiUrl("/api")
                + ",resource=" + RESOURCE + ",retry_timeout_ms=1000").run("urlconnection", apiUrl("/api/sf"));

        String line = assertFailedClosed(result);
        assertTrue(line.contains("Service Fabric " + fabricEndpoint()) && line.contains("SSLHandshakeException")
                && line.contains("IDENTITY_SERVER_THUMBPRINT"), line);
        assertEquals(0, fabric.getAllServeEvents().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void serviceFabricErrorReachesTheApplication(Jdk jdk) throws Exception {
        fabric.stubFor(get(urlPathEqualTo(MSI_PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":{\"code\":\"SecretHeaderNotFound\",\"message\":\"Secret is not found in the request "
                        + "headers.\"}}")));
        AgentJvm.Result result = serviceFabric(jdk, "e5a1c7f3b9d04862", certificate.sha1Thumbprint())
                .agentArgs(rule("source=servicefabric")).run("urlconnection", apiUrl("/api/sf"));

        String line = assertFailedClosed(result);
        assertTrue(line.contains("HTTP 400 SecretHeaderNotFound: Secret is not found in the request headers."),
                line);
        assertEquals(1, fabric.getAllServeEvents().size());
    }
}
