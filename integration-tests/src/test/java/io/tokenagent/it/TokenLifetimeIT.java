package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End to end, what unit tests of the token parser and cache show in-process: a token with a line break in it is
 * refused even without a space to trip over, and a token that has expired while its refresh failed is never sent.
 */
class TokenLifetimeIT extends AgentTestSupport {

    static Stream<Jdk> jdks() {
        return Jdk.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aTokenWithALineBreakAndNoSpaceIsRefused(Jdk jdk) throws Exception {
        // Only CR/LF: a check that caught this token only because of a space (or looked at the index of one)
        // would let "X-Evil: 1" through as a header of its own.
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson("{\"access_token\":\"abc\\r\\nX-Evil:1\","
                + "\"expires_in\":\"3600\",\"token_type\":\"Bearer\",\"resource\":\"" + RESOURCE + "\"}")));
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).run("urlconnection", apiUrl("/api/crlf"));

        assertFailedClosed(result);
        assertTrue(api.findAll(anyRequestedFor(anyUrl())).isEmpty());
        assertFalse(result.stderr().contains("X-Evil"), "the log quotes the token:\n" + result);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aTokenThatExpiredWhileItsRefreshFailedIsNeverSent(Jdk jdk) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).inScenario("expired").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(tokenJson("token-six", 6))).willSetStateTo("down"));
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).inScenario("expired").whenScenarioStateIs("down")
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":\"down\"}")));
        // One request every 2 s over ~10 s of a 6 s token (its lifetime counts from when the stub was made).
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api", "log_level=debug")).timeoutSeconds(90).run("urlconnection",
                "--repeat", "6", "--interval", "2000", apiUrl("/api/expiring"));

        List<String> responses = result.responses();
        assertEquals(6, responses.size(), result.toString());
        assertEquals("STATUS 200 ok", responses.get(0), result.toString());
        String last = responses.get(responses.size() - 1);
        assertTrue(last.startsWith("ERROR java.io.IOException: token-agent: no token for "), result.toString());
        long sent = responses.stream().filter(l -> l.startsWith("STATUS 200")).count();
        assertEquals(sent, received(api, "/api/expiring", "Authorization").size(), "a failed request went out");
        assertTrue(received(api, "/api/expiring", "Authorization").stream().allMatch("Bearer token-six"::equals));
        assertTrue(responses.stream().dropWhile(l -> l.startsWith("STATUS 200")).allMatch(l -> l.startsWith("ERROR")),
                "once expired, never sent again: " + responses);
        assertNoSecret(result, "token-six");
        figure("down after the first token (a 6 s token)", sent + " of 6 requests carried by the token while it "
                + "was valid, 0 expired tokens sent, the rest fail closed");
    }
}
