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

/** Vert.x 4 and 5, HttpClient and WebClient, at the ends of each range, on each JDK. */
class VertxIT extends ClientContract {

    @Override
    List<String> versions() {
        return List.of("vertx-4.0.0", "vertx-4.5.32", "vertx-5.0.0", "vertx-5.1.6");
    }

    @Override
    String appFor(String version) {
        return "io.tokenagent.it.apps.VertxApp";
    }

    @Override
    List<Mode> modes() {
        return List.of(Mode.of("java.io.IOException"), Mode.of("java.io.IOException", "--webclient"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkAndVersion")
    void theEventLoopKeepsServingWhileAFirstTokenIsFetched(Jdk jdk, String version) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-later", 3600))
                .withFixedDelay(1500)));
        AgentJvm.Result result = app(jdk, version, ruleFor("/api")).run("--from-event-loop", apiUrl("/api/slow"),
                apiUrl("/public/fast"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok"), result.responses(), result.toString());
        assertTrue(result.linesStarting("ISSUED on ").get(0).startsWith("vert.x-eventloop-thread"), result.toString());
        // Sent from one event-loop context: had it waited for the token, neither the unmatched request nor the
        // context's timer could have run before the token arrived.
        List<String> done = result.linesStarting("DONE ");
        assertTrue(done.get(0).startsWith(apiUrl("/public/fast") + " after "), result.toString());
        assertTrue(done.get(1).startsWith(apiUrl("/api/slow") + " after "), result.toString());
        int ticks = Integer.parseInt(done.get(1).replaceAll(".* after (\\d+) ticks", "$1"));
        assertTrue(ticks >= 5, "the context's 100 ms timer ticked only " + ticks + " times during a 1.5 s fetch");
        assertEquals(List.of("Bearer token-later"), received(api, "/api/slow", "Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/public/fast", "Authorization"));
    }
}
