package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What a resource receives from an unmodified application running with the agent, for each JDK client. */
class TokenInjectionIT extends AgentTestSupport {

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(CLIENTS_SOURCE)
    void onlyMatchedUrlsGetTheToken(Jdk jdk, String client) throws Exception {
        tokenEndpointGives("token-one", 3600);
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run(client, apiUrl("/api/orders"),
                apiUrl("/apix"), apiUrl("/other"), "http://localhost:" + api.port() + "/api/orders",
                otherUrl("/api/orders"), apiUrl("/api?page=2"), apiUrl("/api/../admin/x"), apiUrl("/open/../api/y"));

        assertEquals(8, result.responses().stream().filter(l -> l.startsWith("STATUS 200")).count(), result.toString());
        assertProtocol(client, result);
        assertEquals(List.of("Bearer token-one"), received(api, "/api", "Authorization"), "query is not path");
        // paths are compared after dot-segment normalisation, as the server resolves them
        assertEquals(Collections.singletonList(null), received(api, "/api/../admin/x", "Authorization"));
        assertEquals(List.of("Bearer token-one"), received(api, "/open/../api/y", "Authorization"));
        // /api/orders twice: at 127.0.0.1 (matched), and at localhost, which is another host as far as rules go
        List<String> orders = received(api, "/api/orders", "Authorization");
        assertEquals(2, orders.size());
        assertTrue(orders.contains("Bearer token-one") && orders.contains(null), orders.toString());
        assertEquals(Collections.singletonList(null), received(api, "/apix", "Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/other", "Authorization"));
        assertEquals(Collections.singletonList(null), received(other, "/api/orders", "Authorization"));
        assertEquals(1, tokenCalls());
        tokens.verify(getRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withQueryParam("api-version", com.github.tomakehurst.wiremock.client.WireMock.equalTo("2018-02-01"))
                .withQueryParam("resource", com.github.tomakehurst.wiremock.client.WireMock.equalTo(RESOURCE))
                .withHeader("Metadata", com.github.tomakehurst.wiremock.client.WireMock.equalTo("true")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(CLIENTS_SOURCE)
    void concurrentFirstRequestsCauseOneTokenFetch(Jdk jdk, String client) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-shared", 3600))
                .withFixedDelay(300)));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run(client, "--threads", "24",
                apiUrl("/api/data"));

        assertEquals(24, result.responses().stream().filter(l -> l.startsWith("STATUS 200")).count(), result.toString());
        assertEquals(Collections.nCopies(24, "Bearer token-shared"), received(api, "/api/data", "Authorization"));
        assertEquals(1, tokenCalls());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(CLIENTS_SOURCE)
    void shortLivedTokenIsRefreshedAheadOfExpiry(Jdk jdk, String client) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).inScenario("refresh").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(tokenJson("token-short", 4))).willSetStateTo("refreshed"));
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).inScenario("refresh").whenScenarioStateIs("refreshed")
                .willReturn(okJson(tokenJson("token-renewed", 3600))));
        // --same-request: the HTTP client apps send one HttpRequest object every time, as many applications do;
        // it must get the current token each time and never be changed by the agent.
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run(client, "--same-request",
                "--repeat", "10", "--interval", "400", apiUrl("/api/data"));

        List<String> seen = received(api, "/api/data", "Authorization");
        assertEquals(10, result.responses().stream().filter(l -> l.startsWith("STATUS 200")).count(), result.toString());
        for (String appHeaders : result.linesStarting("APP-HEADERS ")) {
            assertFalse(appHeaders.toLowerCase(java.util.Locale.ROOT).contains("authorization"),
                    "the application's own request object was changed: " + appHeaders);
        }
        assertEquals("Bearer token-short", seen.get(0));
        assertEquals("Bearer token-renewed", seen.get(seen.size() - 1), seen.toString());
        assertTrue(seen.stream().allMatch(v -> v.equals("Bearer token-short") || v.equals("Bearer token-renewed")));
        assertEquals(2, tokenCalls(), "one fetch, one background refresh");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(CLIENTS_SOURCE)
    void transientEndpointErrorIsRetried(Jdk jdk, String client) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).inScenario("retry").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":\"busy\"}")).willSetStateTo("up"));
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).inScenario("retry").whenScenarioStateIs("up")
                .willReturn(okJson(tokenJson("token-after-retry", 3600))));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run(client, apiUrl("/api/data"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-after-retry"), received(api, "/api/data", "Authorization"));
        assertEquals(2, tokenCalls());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(CLIENTS_SOURCE)
    void failClosedStopsTheRequestWithAnErrorThroughTheClient(Jdk jdk, String client) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}")));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run(client, apiUrl("/api/data"));

        // HttpURLConnection and send(): an IOException; sendAsync(): a future failed with one (the app prints
        // "thrown-by-sendAsync" if sendAsync threw instead)
        String line = assertFailedClosed(result);
        assertTrue(line.contains("HTTP 400 invalid_request: Identity not found"), line);
        assertEquals(1, tokenCalls(), "400 is not retried");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(CLIENTS_SOURCE)
    void proceedSendsTheRequestWithoutTheHeaderAndWarns(Jdk jdk, String client) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(403).withBody(
                "{\"error\":\"forbidden\",\"error_description\":\"no\"}")));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api", "on_failure=proceed"))
                .run(client, apiUrl("/api/data"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(Collections.singletonList(null), received(api, "/api/data", "Authorization"));
        assertTrue(result.stderrLines().stream().anyMatch(l -> l.startsWith("token-agent: WARN")
                && l.contains("without Authorization")), result.stderr());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(CLIENTS_SOURCE)
    void redirectHopsAreMatchedOnTheirOwnUrl(Jdk jdk, String client) throws Exception {
        tokenEndpointGives("token-hop", 3600);
        api.stubFor(get(urlPathEqualTo("/api/to-other")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", otherUrl("/landing"))));
        other.stubFor(get(urlPathEqualTo("/start")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl("/api/target"))));
        api.stubFor(get(urlPathEqualTo("/api/to-public")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl("/public/page"))));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run(client, apiUrl("/api/to-other"),
                otherUrl("/start"), apiUrl("/api/to-public"));

        assertEquals(3, result.responses().stream().filter(l -> l.startsWith("STATUS 200")).count(), result.toString());
        assertEquals(List.of("Bearer token-hop"), received(api, "/api/to-other", "Authorization"));
        assertEquals(Collections.singletonList(null), received(other, "/landing", "Authorization"),
                "a hop to another origin must not carry the token");
        assertEquals(List.of("Bearer token-hop"), received(api, "/api/target", "Authorization"),
                "a hop to a matched URL gets its token");
        assertEquals(Collections.singletonList(null), received(api, "/public/page", "Authorization"),
                "a hop to an unmatched path of the same origin must not carry the token");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(CLIENTS_SOURCE)
    void aCustomHeaderIsTakenOffHopsThatMustNotCarryIt(Jdk jdk, String client) throws Exception {
        // Clients drop Authorization on a redirect to another host themselves, but not a header of another name:
        // the agent must take its own header off such hops, and off hops to unmatched paths of the same origin.
        tokenEndpointGives("token-custom-hop", 3600);
        api.stubFor(get(urlPathEqualTo("/api/to-other")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", otherUrl("/landing"))));
        api.stubFor(get(urlPathEqualTo("/api/to-public")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl("/public/page"))));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api", "header=X-Api-Token"))
                .run(client, apiUrl("/api/to-other"), apiUrl("/api/to-public"));

        assertEquals(2, result.responses().stream().filter(l -> l.startsWith("STATUS 200")).count(), result.toString());
        assertEquals(List.of("Bearer token-custom-hop"), received(api, "/api/to-other", "X-Api-Token"));
        assertEquals(List.of("Bearer token-custom-hop"), received(api, "/api/to-public", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(other, "/landing", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(api, "/public/page", "X-Api-Token"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(CLIENTS_SOURCE)
    void theApplicationsOwnHeaderIsKeptUnlessTheRuleSaysOverwrite(Jdk jdk, String client) throws Exception {
        tokenEndpointGives("token-agent-value", 3600);
        // lower case: the agent must recognise the application's header whatever its case
        AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run(client, "--header", "authorization:Basic eHl6",
                apiUrl("/api/kept"));
        AgentJvm.on(jdk).agentArgs(ruleFor("/api", "overwrite=true")).run(client, "--header",
                "Authorization:Basic eHl6", apiUrl("/api/replaced"));

        assertEquals(List.of("Basic eHl6"), received(api, "/api/kept", "Authorization"));
        assertEquals(List.of("Bearer token-agent-value"), received(api, "/api/replaced", "Authorization"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(CLIENTS_SOURCE)
    void overwriteAlsoReplacesTheApplicationsHeaderOnARedirectHopIntoAMatchedUrl(Jdk jdk, String client)
            throws Exception {
        tokenEndpointGives("token-on-the-hop", 3600);
        api.stubFor(get(urlPathEqualTo("/open/start")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl("/api/into"))));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api", "overwrite=true")).run(client,
                "--header", "Authorization:Basic eHl6", apiUrl("/open/start"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Basic eHl6"), received(api, "/open/start", "Authorization"),
                "the unmatched first hop keeps the application's header");
        assertEquals(List.of("Bearer token-on-the-hop"), received(api, "/api/into", "Authorization"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(CLIENTS_SOURCE)
    void customHeaderPrefixAndIdentityAreUsed(Jdk jdk, String client) throws Exception {
        tokenEndpointGives("token-custom", 3600);
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api", "header=X-Api-Token", "prefix=Token",
                "client_id=11111111-2222-3333-4444-555555555555")).run(client, apiUrl("/api/custom"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Token token-custom"), received(api, "/api/custom", "X-Api-Token"));
        assertEquals(Collections.singletonList(null), received(api, "/api/custom", "Authorization"));
        tokens.verify(getRequestedFor(urlPathEqualTo(TOKEN_PATH)).withQueryParam("client_id",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("11111111-2222-3333-4444-555555555555")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(CLIENTS_SOURCE)
    void httpsRequestsGetTheTokenOnMatchedUrlsOnly(Jdk jdk, String client) throws Exception {
        tokenEndpointGives("token-tls", 3600);
        String rule = "endpoint=" + endpoint() + ",match=" + apiHttpsUrl("/api") + ",resource=" + RESOURCE;
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(rule).run(client, "--insecure",
                apiHttpsUrl("/api/secure"), apiHttpsUrl("/public/secure"), apiUrl("/api/plain"));

        assertEquals(3, result.responses().stream().filter(l -> l.startsWith("STATUS 200")).count(), result.toString());
        assertProtocol(client, result);
        assertEquals(List.of("Bearer token-tls"), received(api, "/api/secure", "Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/public/secure", "Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/api/plain", "Authorization"),
                "http is another origin than https, though host and path are the same");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(CLIENTS_SOURCE)
    void requestBodiesArriveIntactBesideTheToken(Jdk jdk, String client) throws Exception {
        tokenEndpointGives("token-post", 3600);
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run(client, "--method", "POST",
                "--body", "{\"order\":42}", apiUrl("/api/orders"), apiUrl("/open/orders"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok"), result.responses(), result.toString());
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> posts =
                api.findAll(postRequestedFor(urlPathEqualTo("/api/orders")));
        assertEquals(1, posts.size());
        assertEquals("{\"order\":42}", posts.get(0).getBodyAsString());
        assertEquals("Bearer token-post", posts.get(0).getHeader("Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/open/orders", "Authorization"));
        assertEquals("{\"order\":42}", api.findAll(postRequestedFor(urlPathEqualTo("/open/orders"))).get(0)
                .getBodyAsString());
    }

    static Stream<Jdk> jdks() {
        return Jdk.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void sendAsyncWaitsForAFirstTokenWithoutHoldingAThreadEvenWithADirectExecutor(Jdk jdk) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-later", 3600))
                .withFixedDelay(2000)));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run("httpclient-async",
                "--direct-executor", apiUrl("/api/async"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-later"), received(api, "/api/async", "Authorization"));
        // With Runnable::run as its executor the client runs the exchange on the caller: a token fetch waited
        // for there would hold sendAsync for the endpoint's 2 s.
        long returned = Long.parseLong(result.linesStarting("SENDASYNC returned after ").get(0).split(" ")[0]);
        assertTrue(returned < 1000, "sendAsync returned after " + returned + " ms");
    }

    /** The HTTP/2 variant must really speak HTTP/2, or its cases would test HTTP/1.1 twice. */
    private static void assertProtocol(String client, AgentJvm.Result result) {
        if (client.equals("httpclient-h2")) {
            List<String> protocols = result.linesStarting("PROTOCOL ");
            assertFalse(protocols.isEmpty(), result.toString());
            assertTrue(protocols.stream().allMatch("HTTP_2"::equals), "not HTTP/2: " + protocols);
        }
    }
}
