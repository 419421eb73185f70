package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A token endpoint that is slow on purpose, gives hostile advice or echoes secrets: the application keeps working
 * within the configured bounds, the endpoint is not hammered, and no token leaks into an error or a log line.
 */
class HostileTokenEndpointIT extends AgentTestSupport {

    private static final String SECRET = "eyJhbGciOiJSUzI1NiJ9.Zq7XkP2vNw9LmR4tY8sBq3Hd";

    static Stream<Arguments> blockingAndAsyncClients() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("urlconnection", "httpclient", "httpclient-async")
                .map(client -> Arguments.of(jdk, client)));
    }

    static Stream<Jdk> jdks() {
        return Jdk.all().stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("blockingAndAsyncClients")
    void aTricklingEndpointFailsTheRequestWithinTheRetryBudgetAndOneReadTimeout(Jdk jdk, String client)
            throws Exception {
        // One chunk every 0.5 s: each read is well within read_timeout_ms, the whole body takes a minute.
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("t" + "x".repeat(120), 3600))
                .withChunkedDribbleDelay(120, 60_000)));
        AgentJvm.Result result = AgentJvm.on(jdk).timeoutSeconds(40).agentArgs("endpoint=" + endpoint() + ",match="
                + apiUrl("/api") + ",resource=" + RESOURCE + ",connect_timeout_ms=1000,read_timeout_ms=1500,"
                + "retry_timeout_ms=2000,log_level=debug").run(client, apiUrl("/api/trickle"));

        String line = assertFailedClosed(result);
        assertTrue(line.contains("no complete response within 1500 ms"), line);
        assertEquals(1, line.split("resource " + RESOURCE, -1).length - 1, "the resource is named once: " + line);
        // 2 s of retry budget, then one last attempt of at most 1.5 s; the rest is the JVM's start and exit
        assertTrue(result.millis() < 2000 + 1500 + 3000, "the application ran " + result.millis()
                + " ms in all for retry_timeout_ms=2000 + read_timeout_ms=1500");
        assertNoSecret(result, "t" + "x".repeat(120));
        figure("a body trickling for a minute (" + client + ")", "the request fails closed, the application ran "
                + result.millis() + " ms in all (retry_timeout_ms=2000, read_timeout_ms=1500)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aRefreshHintOfOneSecondDoesNotMakeTheAgentHammerTheEndpoint(Jdk jdk) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson("{\"access_token\":\"token-hint\","
                + "\"expires_in\":3600,\"refresh_in\":1,\"token_type\":\"Bearer\"}")));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api", "log_level=debug")).run("urlconnection", "--repeat", "7",
                "--interval", "500", apiUrl("/api/hint"));

        assertEquals(Collections.nCopies(7, "STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(Collections.nCopies(7, "Bearer token-hint"), received(api, "/api/hint", "Authorization"));
        assertEquals(1, tokenCalls(), "refresh_in=1 on an hour's token was taken as an order to refresh every second");
        assertNoSecret(result, "token-hint");
        figure("refresh_in=1 on an hour's token", "7 requests over 3 s, 1 endpoint call");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void anUpdatingEndpointIsTriedForSeventySecondsWhateverTheRetryBudget(Jdk jdk) throws Exception {
        Quick.skip("70 s of waiting");
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(410)
                .withBody("{\"error\":\"updating\"}")));
        AgentJvm.Result result = AgentJvm.on(jdk).timeoutSeconds(110).agentArgs("endpoint=" + endpoint() + ",match="
                + apiUrl("/api") + ",resource=" + RESOURCE + ",retry_timeout_ms=5000,max_wait_ms=100000")
                .run("urlconnection", apiUrl("/api/gone"));

        String line = assertFailedClosed(result);
        assertTrue(line.contains("HTTP 410 updating"), line);
        List<LoggedRequest> calls = tokens.findAll(getRequestedFor(urlPathEqualTo(TOKEN_PATH)));
        long span = calls.get(calls.size() - 1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        assertTrue(span >= 69_900, "410 tried for " + span + " ms over " + calls.size() + " calls, IMDS asks 70 s");
        figure("410 for ever", "tried for " + span + " ms over " + calls.size() + " calls, then the request fails "
                + "closed naming HTTP 410");
    }

    static Stream<Jdk> firstJdk() {
        return Jdk.all().stream().limit(1); // 70 s of waiting: the behaviour is the agent's, not the JDK's
    }

    static Stream<Arguments> bodiesThatMustNotBeQuoted() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of(
                // a JSON-escaped key is still access_token; the old guard looked for the literal text
                Arguments.of(jdk, 200, "{\"access\\u005ftoken\":\"" + SECRET + "\",\"expires_in\":"),
                Arguments.of(jdk, 200, "<html>" + SECRET + "</html>"),
                Arguments.of(jdk, 500, "upstream said: access_token=" + SECRET),
                Arguments.of(jdk, 400, "{\"error\":\"bad_request\",\"detail\":\"" + SECRET + "\"}")));
    }

    @ParameterizedTest(name = "{0} HTTP {1}")
    @MethodSource("bodiesThatMustNotBeQuoted")
    void noPartOfAnEndpointsBodyButItsErrorFieldsReachesTheApplicationOrTheLog(Jdk jdk, int status, String body)
            throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api", "log_level=debug")).run("urlconnection", apiUrl("/api/echo"));

        assertFailedClosed(result);
        assertNoSecret(result, SECRET);
    }

    static Stream<Arguments> expiriesThatAreNotNumbers() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of(
                Arguments.of(jdk, "\"expires_in\":\"3600d\"", "expires_in is \"3600d\", not a number of seconds"),
                Arguments.of(jdk, "\"expires_in\":\"0x1p12\"", "expires_in is \"0x1p12\", not a number of seconds"),
                Arguments.of(jdk, "\"expires_on\":1e300",
                        "expires_on is \"1e300\", neither epoch seconds, an App Service date nor")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("expiriesThatAreNotNumbers")
    void anExpiryThatIsNotAPlainNumberIsRefusedSayingWhy(Jdk jdk, String field, String cause) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson("{\"access_token\":\"token-odd\"," + field
                + ",\"token_type\":\"Bearer\"}")));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run("urlconnection",
                apiUrl("/api/odd"));

        String line = assertFailedClosed(result);
        assertTrue(line.contains(cause), line);
        assertEquals(Collections.emptyList(), received(api, "/api/odd", "Authorization"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aClockAheadOfTheEndpointsCausesNoRefreshStorm(Jdk jdk) throws Exception {
        // expires_on an hour in the past by this machine's clock, expires_in an hour: the endpoint's clock is behind
        long now = System.currentTimeMillis() / 1000;
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson("{\"access_token\":\"token-skew\","
                + "\"expires_in\":\"3600\",\"expires_on\":\"" + (now - 3600) + "\",\"token_type\":\"Bearer\"}")));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run("urlconnection", "--repeat", "5",
                "--interval", "300", apiUrl("/api/skew"));

        assertEquals(Collections.nCopies(5, "STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(Collections.nCopies(5, "Bearer token-skew"), received(api, "/api/skew", "Authorization"));
        assertEquals(1, tokenCalls(), "one fetch: the token's hour is counted from when it arrived");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aRequestWaitsForATokenAtMostMaxWaitThenTakesTheFailurePath(Jdk jdk) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-late", 3600))
                .withFixedDelay(6000)));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("endpoint=" + endpoint() + ",match=" + apiUrl("/api")
                + ",resource=" + RESOURCE + ",read_timeout_ms=20000,retry_timeout_ms=20000,max_wait_ms=1000")
                .run("httpclient", apiUrl("/api/wait"));

        String line = assertFailedClosed(result);
        assertTrue(line.contains("no token within 1.0 s"), line);
        assertTrue(result.millis() < 1000 + 3000, "the application waited " + result.millis() + " ms in all");
        figure("an endpoint 6 s slow, max_wait_ms=1000", "the request fails closed; the application ran "
                + result.millis() + " ms in all");
    }
}
