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

/** OkHttp 3.12 to 5.x, {@code execute} and {@code enqueue}, at the ends of each major version's range, on each JDK. */
class OkHttpIT extends AgentTestSupport {

    private static final String APP = "io.tokenagent.it.apps.OkHttpApp";

    static Stream<Arguments> versions() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("okhttp-3.12.0", "okhttp-3.14.9", "okhttp-4.12.0",
                "okhttp-5.0.0", "okhttp-5.5.1").map(v -> Arguments.of(jdk, v)));
    }

    private static AgentJvm app(Jdk jdk, String version, String agentArgs) {
        return onClient(jdk, version).agentArgs(agentArgs).mainClass(APP);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void matchedUrlsOnlyAndEveryRedirectHopOnItsOwnUrl(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-okhttp", 3600);
        api.stubFor(get(urlPathEqualTo("/api/to-other")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", otherUrl("/landing"))));
        other.stubFor(get(urlPathEqualTo("/start")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl("/api/target"))));
        api.stubFor(get(urlPathEqualTo("/api/to-public")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl("/public/page"))));
        // A header OkHttp itself never drops on redirects, unlike Authorization across hosts: only the agent
        // keeps it off the hops that must not carry it.
        AgentJvm.Result result = app(jdk, version, ruleFor("/api", "header=X-Api-Token", "prefix=")).run(
                apiUrl("/api/orders"), apiUrl("/other"), apiUrl("/api/to-other"), otherUrl("/start"),
                apiUrl("/api/to-public"));

        assertEquals(5, result.responses().stream().filter(l -> l.startsWith("STATUS 200")).count(), result.toString());
        assertEquals(List.of("token-okhttp"), received(api, "/api/orders", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(api, "/other", "X-Api-Token"));
        assertEquals(List.of("token-okhttp"), received(api, "/api/to-other", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(other, "/landing", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(other, "/start", "X-Api-Token"));
        assertEquals(List.of("token-okhttp"), received(api, "/api/target", "X-Api-Token"));
        assertEquals(List.of("token-okhttp"), received(api, "/api/to-public", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(api, "/public/page", "X-Api-Token"));
        assertEquals(1, tokenCalls());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void theApplicationsHeaderIsKeptUnlessOverwrite(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-okhttp", 3600);
        app(jdk, version, ruleFor("/api")).run("--header", "Authorization:Basic eHl6", apiUrl("/api/kept"));
        app(jdk, version, ruleFor("/api", "overwrite=true")).run("--header", "Authorization:Basic eHl6",
                apiUrl("/api/replaced"));

        assertEquals(List.of("Basic eHl6"), received(api, "/api/kept", "Authorization"));
        assertEquals(List.of("Bearer token-okhttp"), received(api, "/api/replaced", "Authorization"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void concurrentFirstCallsExecutedAndEnqueuedCauseOneTokenFetch(Jdk jdk, String version) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-shared", 3600))
                .withFixedDelay(300)));
        AgentJvm.Result executed = app(jdk, version, ruleFor("/api")).run("--threads", "20", apiUrl("/api/data"));
        AgentJvm.Result enqueued = app(jdk, version, ruleFor("/api")).run("--enqueue", "--threads", "20",
                apiUrl("/api/queued"));

        assertEquals(Collections.nCopies(20, "STATUS 200 ok"), executed.responses(), executed.toString());
        assertEquals(Collections.nCopies(20, "STATUS 200 ok"), enqueued.responses(), enqueued.toString());
        assertEquals(Collections.nCopies(20, "Bearer token-shared"), received(api, "/api/data", "Authorization"));
        assertEquals(Collections.nCopies(20, "Bearer token-shared"), received(api, "/api/queued", "Authorization"));
        assertEquals(2, tokenCalls(), "one per application run");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void failClosedThroughExecuteAndOnFailureAndProceedWithout(Jdk jdk, String version) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}")));
        String executed = assertFailedClosed(app(jdk, version, ruleFor("/api")).run(apiUrl("/api/data")));
        assertTrue(executed.contains("HTTP 400 invalid_request: Identity not found"), executed);
        String enqueued = assertFailedClosed(app(jdk, version, ruleFor("/api")).run("--enqueue", apiUrl("/api/data")));
        assertTrue(enqueued.contains("HTTP 400 invalid_request: Identity not found"), enqueued);

        AgentJvm.Result proceed = app(jdk, version, ruleFor("/api", "on_failure=proceed")).run(apiUrl("/api/data"));
        assertEquals(List.of("STATUS 200 ok"), proceed.responses(), proceed.toString());
        assertEquals(Collections.singletonList(null), received(api, "/api/data", "Authorization"));
    }

    /**
     * In a web application's own loader. (Whether a redeployed one is collected is shown with Apache HttpClient:
     * OkHttp's own Okio watchdog thread keeps its loader for a minute, with or without the agent.)
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void aClientInAWebApplicationsOwnClassLoaderGetsItsToken(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-webapp", 3600);
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api"))
                .mainClass("io.tokenagent.it.apps.ChildFirstLauncher")
                .run(clientJars(version).getPath(), APP, apiUrl("/api/webapp"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-webapp"), received(api, "/api/webapp", "Authorization"));
    }
}
