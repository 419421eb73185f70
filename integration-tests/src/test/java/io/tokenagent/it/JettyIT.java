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

/** Jetty's HttpClient 9.4 to 12, blocking {@code send()} and completion listeners, on each JDK. */
class JettyIT extends AgentTestSupport {

    private static final String APP = "io.tokenagent.it.apps.JettyApp";

    static Stream<Arguments> versions() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("jetty-9.4.0", "jetty-9.4.58", "jetty-10.0.26", "jetty-11.0.26",
                "jetty-12.0.0", "jetty-12.1.14")
                .map(v -> Arguments.of(jdk, v)));
    }

    private static AgentJvm app(Jdk jdk, String version, String agentArgs) {
        return onClient(jdk, version).agentArgs(agentArgs).mainClass(APP);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void matchedUrlsOnlyAndEveryRedirectHopOnItsOwnUrl(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-jetty", 3600);
        api.stubFor(get(urlPathEqualTo("/api/to-other")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", otherUrl("/landing"))));
        other.stubFor(get(urlPathEqualTo("/start")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl("/api/target"))));
        api.stubFor(get(urlPathEqualTo("/api/to-public")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl("/public/page"))));
        AgentJvm.Result result = app(jdk, version, ruleFor("/api", "header=X-Api-Token", "prefix=")).run(
                apiUrl("/api/orders"), apiUrl("/other"), apiUrl("/api/to-other"), otherUrl("/start"),
                apiUrl("/api/to-public"));

        assertEquals(Collections.nCopies(5, "STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("token-jetty"), received(api, "/api/orders", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(api, "/other", "X-Api-Token"));
        assertEquals(List.of("token-jetty"), received(api, "/api/to-other", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(other, "/landing", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(other, "/start", "X-Api-Token"));
        assertEquals(List.of("token-jetty"), received(api, "/api/target", "X-Api-Token"));
        assertEquals(List.of("token-jetty"), received(api, "/api/to-public", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(api, "/public/page", "X-Api-Token"));
        assertEquals(1, tokenCalls());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void theApplicationsHeaderIsKeptUnlessOverwrite(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-jetty", 3600);
        app(jdk, version, ruleFor("/api")).run("--header", "Authorization:Basic eHl6", apiUrl("/api/kept"));
        app(jdk, version, ruleFor("/api", "overwrite=true")).run("--header", "Authorization:Basic eHl6",
                apiUrl("/api/replaced"));

        assertEquals(List.of("Basic eHl6"), received(api, "/api/kept", "Authorization"));
        assertEquals(List.of("Bearer token-jetty"), received(api, "/api/replaced", "Authorization"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void concurrentFirstRequestsCauseOneTokenFetch(Jdk jdk, String version) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-shared", 3600))
                .withFixedDelay(300)));
        AgentJvm.Result result = app(jdk, version, ruleFor("/api")).run("--threads", "20", apiUrl("/api/data"));
        AgentJvm.Result web = app(jdk, version, ruleFor("/api")).run("--async", "--threads", "20", apiUrl("/api/web"));

        assertEquals(Collections.nCopies(20, "STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(Collections.nCopies(20, "STATUS 200 -"), web.responses(), web.toString());
        assertEquals(Collections.nCopies(20, "Bearer token-shared"), received(api, "/api/data", "Authorization"));
        assertEquals(Collections.nCopies(20, "Bearer token-shared"), received(api, "/api/web", "Authorization"));
        assertEquals(2, tokenCalls(), "one per application run");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void theEventLoopKeepsServingWhileAFirstTokenIsFetched(Jdk jdk, String version) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-later", 3600))
                .withFixedDelay(1500)));
        other.stubFor(get(urlPathEqualTo("/start")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl("/api/slow"))));
        AgentJvm.Result result = app(jdk, version, ruleFor("/api")).run("--async", otherUrl("/start"),
                otherUrl("/fast"));

        assertEquals(List.of("STATUS 200 -", "STATUS 200 -"), result.responses(), result.toString());
        // The matched hop is sent by Jetty's own threads after the redirect: had one waited there for the token
        // (or the caller in send), the unmatched request could not have completed first.
        assertEquals(List.of(otherUrl("/fast"), otherUrl("/start")), result.linesStarting("DONE "),
                result.toString());
        assertEquals(List.of("Bearer token-later"), received(api, "/api/slow", "Authorization"));
        assertEquals(Collections.singletonList(null), received(other, "/fast", "Authorization"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void failClosedThroughSendAndTheListenerAndProceedWithout(Jdk jdk, String version) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}")));
        String line = assertFailedClosedWith(app(jdk, version, ruleFor("/api")).run(apiUrl("/api/data")));
        assertTrue(line.contains("HTTP 400 invalid_request: Identity not found"), line);
        api.resetRequests();
        String web = assertFailedClosedWith(app(jdk, version, ruleFor("/api")).run("--async", apiUrl("/api/data")));
        assertTrue(web.contains("HTTP 400 invalid_request: Identity not found"), web);

        AgentJvm.Result proceed = app(jdk, version, ruleFor("/api", "on_failure=proceed")).run(apiUrl("/api/data"));
        assertEquals(List.of("STATUS 200 ok"), proceed.responses(), proceed.toString());
        assertEquals(Collections.singletonList(null), received(api, "/api/data", "Authorization"));
    }
}
