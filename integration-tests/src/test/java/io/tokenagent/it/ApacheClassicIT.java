package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Apache HttpClient 4 and 5 (classic), each at the oldest and newest supported versions, on each JDK. */
class ApacheClassicIT extends AgentTestSupport {

    static Stream<Arguments> versions() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("apache-4.3.6", "apache-4.5.14", "apache5-5.0",
                "apache5-5.6").map(v -> Arguments.of(jdk, v)));
    }

    /** The application written for the version's API. */
    private static String appFor(String version) {
        return version.startsWith("apache5-") ? "io.tokenagent.it.apps.Apache5ClassicApp"
                : "io.tokenagent.it.apps.ApacheClassicApp";
    }

    private static AgentJvm app(Jdk jdk, String version, String agentArgs) {
        return onClient(jdk, version).agentArgs(agentArgs).mainClass(appFor(version));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void matchedUrlsOnlyAndEveryRedirectHopOnItsOwnUrl(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-apache", 3600);
        api.stubFor(get(urlPathEqualTo("/api/to-other")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", otherUrl("/landing"))));
        other.stubFor(get(urlPathEqualTo("/start")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl("/api/target"))));
        api.stubFor(get(urlPathEqualTo("/api/to-public")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl("/public/page"))));
        AgentJvm.Result result = app(jdk, version, ruleFor("/api")).run(apiUrl("/api/orders"), apiUrl("/other"),
                apiUrl("/api/to-other"), otherUrl("/start"), apiUrl("/api/to-public"));

        assertEquals(5, result.responses().stream().filter(l -> l.startsWith("STATUS 200")).count(), result.toString());
        assertEquals(List.of("Bearer token-apache"), received(api, "/api/orders", "Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/other", "Authorization"));
        assertEquals(List.of("Bearer token-apache"), received(api, "/api/to-other", "Authorization"));
        assertEquals(Collections.singletonList(null), received(other, "/landing", "Authorization"));
        assertEquals(Collections.singletonList(null), received(other, "/start", "Authorization"));
        assertEquals(List.of("Bearer token-apache"), received(api, "/api/target", "Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/public/page", "Authorization"));
        assertEquals(1, tokenCalls());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void theApplicationsHeaderIsKeptUnlessOverwrite(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-apache", 3600);
        app(jdk, version, ruleFor("/api")).run("--header", "Authorization:Basic eHl6", apiUrl("/api/kept"));
        app(jdk, version, ruleFor("/api", "overwrite=true")).run("--header", "Authorization:Basic eHl6",
                apiUrl("/api/replaced"));

        assertEquals(List.of("Basic eHl6"), received(api, "/api/kept", "Authorization"));
        assertEquals(List.of("Bearer token-apache"), received(api, "/api/replaced", "Authorization"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void concurrentFirstRequestsCauseOneTokenFetch(Jdk jdk, String version) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-shared", 3600))
                .withFixedDelay(300)));
        AgentJvm.Result result = app(jdk, version, ruleFor("/api")).run("--threads", "20", apiUrl("/api/data"));

        assertEquals(20, result.responses().stream().filter(l -> l.startsWith("STATUS 200")).count(), result.toString());
        assertEquals(Collections.nCopies(20, "Bearer token-shared"), received(api, "/api/data", "Authorization"));
        assertEquals(1, tokenCalls());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void failClosedThroughExecuteAndProceedWithout(Jdk jdk, String version) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}")));
        String line = assertFailedClosed(app(jdk, version, ruleFor("/api")).run(apiUrl("/api/data")));
        assertTrue(line.contains("HTTP 400 invalid_request: Identity not found"), line);

        AgentJvm.Result proceed = app(jdk, version, ruleFor("/api", "on_failure=proceed")).run(apiUrl("/api/data"));
        assertEquals(List.of("STATUS 200 ok"), proceed.responses(), proceed.toString());
        assertEquals(Collections.singletonList(null), received(api, "/api/data", "Authorization"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void aClientInAWebApplicationsOwnClassLoaderGetsItsToken(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-webapp", 3600);
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api"))
                .mainClass("io.tokenagent.it.apps.ChildFirstLauncher")
                .run(clientJars(version).getPath(), appFor(version),
                        apiUrl("/api/webapp"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-webapp"), received(api, "/api/webapp", "Authorization"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void aRedeployedWebApplicationsLoaderIsNotKeptByTheAgent(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-webapp", 3600);
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).jvmArg("-Dlauncher.deployments=3")
                .mainClass("io.tokenagent.it.apps.ChildFirstLauncher")
                .run(clientJars(version).getPath(), appFor(version), apiUrl("/api/webapp"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok", "STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(Collections.nCopies(3, "Bearer token-webapp"), received(api, "/api/webapp", "Authorization"));
        assertEquals(List.of(" collected 3/3"), result.linesStarting("LOADERS"), result.toString());
    }
}
