package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Apache HttpAsyncClient 4.1 and HttpClient 5 async (5.0 to 5.6): returned futures and callbacks, on each JDK. */
class ApacheAsyncIT extends AgentTestSupport {


    static Stream<Arguments> versions() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("apache-async-4.1", "apache-async-4.1.5", "apache5-5.0",
                "apache5-5.6")
                .map(v -> Arguments.of(jdk, v)));
    }

    private static AgentJvm app(Jdk jdk, String version, String agentArgs) {
        return onClient(jdk, version).agentArgs(agentArgs).mainClass(version.startsWith("apache5-")
                ? "io.tokenagent.it.apps.Apache5AsyncApp" : "io.tokenagent.it.apps.ApacheAsync4App");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void matchedUrlsOnlyAndEveryRedirectHopOnItsOwnUrl(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-apache-async", 3600);
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
        assertEquals(List.of("token-apache-async"), received(api, "/api/orders", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(api, "/other", "X-Api-Token"));
        assertEquals(List.of("token-apache-async"), received(api, "/api/to-other", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(other, "/landing", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(other, "/start", "X-Api-Token"));
        assertEquals(List.of("token-apache-async"), received(api, "/api/target", "X-Api-Token"));
        assertEquals(List.of("token-apache-async"), received(api, "/api/to-public", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(api, "/public/page", "X-Api-Token"));
        assertEquals(1, tokenCalls());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void theApplicationsHeaderIsKeptUnlessOverwrite(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-apache-async", 3600);
        app(jdk, version, ruleFor("/api")).run("--header", "Authorization:Basic eHl6", apiUrl("/api/kept"));
        app(jdk, version, ruleFor("/api", "overwrite=true")).run("--header", "Authorization:Basic eHl6",
                apiUrl("/api/replaced"));

        assertEquals(List.of("Basic eHl6"), received(api, "/api/kept", "Authorization"));
        assertEquals(List.of("Bearer token-apache-async"), received(api, "/api/replaced", "Authorization"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void concurrentFirstRequestsCauseOneTokenFetch(Jdk jdk, String version) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-shared", 3600))
                .withFixedDelay(300)));
        AgentJvm.Result result = app(jdk, version, ruleFor("/api")).run("--threads", "20", apiUrl("/api/data"));
        AgentJvm.Result web = app(jdk, version, ruleFor("/api")).run("--handler", "--threads", "20", apiUrl("/api/web"));

        assertEquals(Collections.nCopies(20, "STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(Collections.nCopies(20, "STATUS 200 ok"), web.responses(), web.toString());
        assertEquals(Collections.nCopies(20, "Bearer token-shared"), received(api, "/api/data", "Authorization"));
        assertEquals(Collections.nCopies(20, "Bearer token-shared"), received(api, "/api/web", "Authorization"));
        assertEquals(2, tokenCalls(), "one per application run");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void theEventLoopKeepsServingWhileAFirstTokenIsFetched(Jdk jdk, String version) throws Exception {
        // Measured without the agent (a server answering the first request in 1.5 s): HttpAsyncClient 4.1.x and
        // HttpClient 5.0 on JDK 25 complete the second request only after the first, on their own (HttpCore's
        // reactor); nothing to show there. JDK 17, and 5.6 on both JDKs, show it.
        assumeFalse(jdk.name().equals("jdk25") && !version.equals("apache5-5.6"),
                "this client version on JDK 25 serializes these two requests itself");
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-later", 3600))
                .withFixedDelay(1500)));
        AgentJvm.Result result = app(jdk, version, ruleFor("/api")).run("--from-event-loop", otherUrl("/first"),
                apiUrl("/api/slow"), otherUrl("/fast"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok"), result.responses(), result.toString());
        assertTrue(result.linesStarting("ISSUED on ").get(0).startsWith(version.startsWith("apache5-")
                ? "httpclient-dispatch" : "I/O dispatcher"), result.toString());
        // Sent from the client's only I/O reactor thread: had it waited for the token, the unmatched request could not
        // have completed first.
        assertEquals(List.of(otherUrl("/fast"), apiUrl("/api/slow")), result.linesStarting("DONE "),
                result.toString());
        assertEquals(List.of("Bearer token-later"), received(api, "/api/slow", "Authorization"));
        assertEquals(Collections.singletonList(null), received(other, "/fast", "Authorization"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versions")
    void failClosedThroughTheFutureAndTheHandlerAndProceedWithout(Jdk jdk, String version) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}")));
        String line = assertFailedClosedWith(app(jdk, version, ruleFor("/api")).run(apiUrl("/api/data")));
        assertTrue(line.contains("HTTP 400 invalid_request: Identity not found"), line);
        api.resetRequests();
        String web = assertFailedClosedWith(app(jdk, version, ruleFor("/api")).run("--handler", apiUrl("/api/data")));
        assertTrue(web.contains("HTTP 400 invalid_request: Identity not found"), web);

        AgentJvm.Result proceed = app(jdk, version, ruleFor("/api", "on_failure=proceed")).run(apiUrl("/api/data"));
        assertEquals(List.of("STATUS 200 ok"), proceed.responses(), proceed.toString());
        assertEquals(Collections.singletonList(null), received(api, "/api/data", "Authorization"));
    }
}
