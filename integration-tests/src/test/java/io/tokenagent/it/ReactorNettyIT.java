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

/** Reactor Netty's HttpClient 1.0 to 1.3, and Spring's WebClient on it (Spring 5.3, 6.2, 7.0), on each JDK. */
class ReactorNettyIT extends ClientContract {

    @Override
    List<String> versions() {
        return List.of("reactor-netty-1.0.0", "reactor-netty-1.3.8");
    }

    @Override
    String appFor(String version) {
        return "io.tokenagent.it.apps.ReactorNettyApp";
    }

    Stream<Arguments> springVersions() {
        List<String> webflux = List.of("webflux-5.3.39", "webflux-6.2.19", "webflux-7.0.10");
        return Jdk.all().stream().flatMap(jdk -> (Quick.ON ? Quick.newestPerFamily(webflux) : webflux).stream()
                .map(v -> Arguments.of(jdk, v)));
    }

    @Override
    List<Mode> modes() {
        return List.of(Mode.of("java.io.IOException"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkAndVersion")
    void theEventLoopKeepsServingWhileAFirstTokenIsFetched(Jdk jdk, String version) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-later", 3600))
                .withFixedDelay(1500)));
        AgentJvm.Result result = app(jdk, version, ruleFor("/api")).run("--from-event-loop", apiUrl("/api/slow"),
                apiUrl("/public/fast"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok"), result.responses(), result.toString());
        assertTrue(result.linesStarting("ISSUED on ").get(0).startsWith("app-loop"), result.toString());
        // One event-loop thread: had it waited for the token, the unmatched request could not finish first.
        assertEquals(List.of(apiUrl("/public/fast"), apiUrl("/api/slow")), result.linesStarting("DONE "),
                result.toString());
        assertEquals(List.of("Bearer token-later"), received(api, "/api/slow", "Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/public/fast", "Authorization"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("springVersions")
    void springWebClientGetsTokensAndReportsFailuresAsItsOwnError(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-webclient", 3600);
        AgentJvm.Result result = onClient(jdk, version).agentArgs(ruleFor("/api"))
                .mainClass("io.tokenagent.it.apps.WebClientApp").run(apiUrl("/api/orders"), apiUrl("/public/page"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-webclient"), received(api, "/api/orders", "Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/public/page", "Authorization"));

        api.resetRequests();
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).atPriority(1).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}")));
        String line = assertFailedClosedWith(onClient(jdk, version).agentArgs(ruleFor("/api"))
                .mainClass("io.tokenagent.it.apps.WebClientApp").run(apiUrl("/api/data")));
        assertTrue(line.startsWith("ERROR org.springframework.web.reactive.function.client.WebClientRequestException"),
                line);
    }
}
