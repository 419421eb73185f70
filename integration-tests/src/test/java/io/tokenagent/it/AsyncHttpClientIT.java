package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AsyncHttpClient 2.1 to 2.12, and 3.0, returned futures and completion handlers, on each JDK; and 2.0, which the
 * agent does not support, left working as it was.
 */
class AsyncHttpClientIT extends ClientContract {

    @Override
    List<String> versions() {
        return List.of("ahc-2.1.0", "ahc-2.12.4", "ahc-3.0.13");
    }

    @Override
    String appFor(String version) {
        return "io.tokenagent.it.apps.AsyncHttpClientApp";
    }

    @Override
    List<Mode> modes() {
        return List.of(Mode.of("java.io.IOException"), Mode.of("java.io.IOException", "--handler"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkAndVersion")
    void theEventLoopKeepsServingWhileAFirstTokenIsFetched(Jdk jdk, String version) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-later", 3600))
                .withFixedDelay(1500)));
        AgentJvm.Result result = app(jdk, version, ruleFor("/api")).run("--from-event-loop", otherUrl("/first"),
                apiUrl("/api/slow"), apiUrl("/public/fast"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok"), result.responses(), result.toString());
        assertTrue(result.linesStarting("ISSUED on ").get(0).startsWith("AsyncHttpClient"), result.toString());
        // Sent from the client's only I/O thread: had it waited for the token, the unmatched request could not
        // have completed first.
        assertEquals(List.of(apiUrl("/public/fast"), apiUrl("/api/slow")), result.linesStarting("DONE "),
                result.toString());
        assertEquals(List.of("Bearer token-later"), received(api, "/api/slow", "Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/public/fast", "Authorization"));
    }
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenagent.it.Jdk#all")
    void aVersionTheAgentDoesNotSupportIsLeftAloneAndSaysSoOnce(Jdk jdk) throws Exception {
        // AsyncHttpClient 2.0 sits on Netty 4.0, whose request API the hook does not fit: the agent must leave it
        // as it is rather than break it, and say once, at warn, that its matched requests go out without a token.
        tokenEndpointGives("token-unused", 3600);
        AgentJvm.Result result = onClient(jdk, "ahc-2.0.39").agentArgs(ruleFor("/api"))
                .mainClass(appFor("ahc-2.0.39")).run(apiUrl("/api/old"), apiUrl("/api/again"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok"), result.responses(), result.toString());
        List<String> warnings = result.stderrLines().stream().filter(l -> l.startsWith("token-agent: WARN")).toList();
        assertEquals(1, warnings.size(), result.toString());
        assertTrue(warnings.get(0).contains("netty-http: the copy at file:")
                && warnings.get(0).contains("/netty-codec-http-4.0.56.Final.jar is not a version this agent can "
                        + "instrument, matched requests through it go out without a token"), warnings.get(0));
        assertTrue(result.stderrLines().stream().noneMatch(l -> l.startsWith("token-agent: ERROR")
                || l.contains("Exception")), result.toString());
        assertEquals(Collections.singletonList(null), received(api, "/api/old", "Authorization"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenagent.it.Jdk#all")
    void aSupportedVersionGivesNoCoverageWarning(Jdk jdk) throws Exception {
        tokenEndpointGives("token-new", 3600);
        AgentJvm.Result result = app(jdk, "ahc-2.12.4", ruleFor("/api")).run(apiUrl("/api/new"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-new"), received(api, "/api/new", "Authorization"));
        assertTrue(result.stderrLines().stream().noneMatch(l -> l.startsWith("token-agent: WARN")),
                result.toString());
    }
}
