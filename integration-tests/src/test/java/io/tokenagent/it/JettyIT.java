package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Jetty's HttpClient 9.4 to 12, blocking {@code send()} and completion listeners, on each JDK. */
class JettyIT extends ClientContract {

    @Override
    List<String> versions() {
        return List.of("jetty-9.4.0", "jetty-9.4.58", "jetty-10.0.26", "jetty-11.0.26", "jetty-12.0.0",
                "jetty-12.1.14");
    }

    @Override
    String appFor(String version) {
        return "io.tokenagent.it.apps.JettyApp";
    }

    @Override
    List<Mode> modes() {
        return List.of(Mode.of("java.util.concurrent.ExecutionException"), Mode.of("java.io.IOException", "--async"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkAndVersion")
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
}
