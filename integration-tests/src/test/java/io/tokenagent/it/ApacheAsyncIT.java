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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Apache HttpAsyncClient 4.1 and HttpClient 5 async (5.0 to 5.6): returned futures and callbacks, on each JDK. */
class ApacheAsyncIT extends ClientContract {

    @Override
    List<String> versions() {
        return List.of("apache-async-4.1", "apache-async-4.1.5", "apache5-5.0", "apache5-5.6");
    }

    @Override
    String appFor(String version) {
        return version.startsWith("apache5-") ? "io.tokenagent.it.apps.Apache5AsyncApp"
                : "io.tokenagent.it.apps.ApacheAsync4App";
    }

    @Override
    List<Mode> modes() {
        return List.of(Mode.of("java.io.IOException"), Mode.of("java.io.IOException", "--handler"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkAndVersion")
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
    @MethodSource("jdkAndVersion")
    void aRedirectIntoARuleWaitsForItsFirstTokenOffTheReactor(Jdk jdk, String version) throws Exception {
        // The first hop is unmatched, so the exchange starts at once; its redirect reaches the rule's URL while the
        // token is still being fetched, on the reactor thread, which must not wait: the hop goes out on arrival.
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-hop", 3600))
                .withFixedDelay(1500)));
        other.stubFor(get(urlPathEqualTo("/start")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl("/api/target"))));
        AgentJvm.Result result = app(jdk, version, ruleFor("/api")).run(otherUrl("/start"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(Collections.singletonList(null), received(other, "/start", "Authorization"));
        assertEquals(List.of("Bearer token-hop"), received(api, "/api/target", "Authorization"));
        assertEquals(1, tokenCalls());
    }
}
