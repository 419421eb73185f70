package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spring's RestTemplate and RestClient on their common request factories, Feign's default client and Retrofit:
 * they get tokens through the clients they sit on, and a failure reaches the application as the framework's own
 * error.
 */
class FrameworkClientsIT extends AgentTestSupport {

    /** (framework and factory, jars, the exception the framework's API gives the application). */
    static Stream<Arguments> frameworks() {
        String spring = "org.springframework.web.client.ResourceAccessException";
        List<Arguments> cases = List.of(
                Arguments.of("resttemplate-simple", "spring-5.3.39", spring),
                Arguments.of("resttemplate-simple", "spring-7.0.10", spring),
                Arguments.of("resttemplate-apache", "spring-5.3.39", spring),
                Arguments.of("resttemplate-apache", "spring-6.2.19", spring),
                Arguments.of("resttemplate-apache", "spring-7.0.10", spring),
                Arguments.of("restclient-jdk", "spring-6.2.19", spring),
                Arguments.of("restclient-jdk", "spring-7.0.10", spring),
                Arguments.of("restclient-default", "spring-6.2.19", spring),
                Arguments.of("restclient-default", "spring-7.0.10", spring),
                Arguments.of("feign", "feign-10.12", "feign.RetryableException"),
                Arguments.of("feign", "feign-13.13", "feign.RetryableException"),
                Arguments.of("retrofit", "retrofit-2.9.0", "java.io.UncheckedIOException"),
                Arguments.of("retrofit", "retrofit-2.12.0", "java.io.UncheckedIOException"));
        List<Arguments> tested = Quick.ON ? newestPerFramework(cases) : cases;
        return Jdk.all().stream().flatMap(jdk -> tested.stream().map(c -> Arguments.of(jdk, c.get()[0], c.get()[1],
                c.get()[2])));
    }

    /** Under the quick profile: the last-listed (newest) version of each framework and way of use. */
    private static List<Arguments> newestPerFramework(List<Arguments> cases) {
        java.util.Map<Object, Arguments> newest = new java.util.LinkedHashMap<>();
        for (Arguments c : cases) {
            newest.put(c.get()[0], c);
        }
        return List.copyOf(newest.values());
    }

    private static AgentJvm app(Jdk jdk, String jars, String agentArgs) {
        return onClient(jdk, jars).agentArgs(agentArgs).mainClass("io.tokenagent.it.apps.FrameworkApps");
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("frameworks")
    void matchedRequestsCarryTheTokenAndFailuresAreTheFrameworksOwnError(Jdk jdk, String framework, String jars,
            String errorType) throws Exception {
        tokenEndpointGives("token-framework", 3600);
        AgentJvm.Result result = app(jdk, jars, ruleFor("/api")).run(framework, apiUrl("/api/orders"),
                apiUrl("/public/page"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-framework"), received(api, "/api/orders", "Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/public/page", "Authorization"));

        api.resetRequests();
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).atPriority(1).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}")));
        AgentJvm.Result failed = app(jdk, jars, ruleFor("/api")).run(framework, apiUrl("/api/data"));

        assertEquals(1, failed.responses().size(), failed.toString());
        String line = failed.responses().get(0);
        assertTrue(line.startsWith("ERROR " + errorType + ": "), line);
        assertTrue(line.contains("token-agent: no token for http://127.0.0.1:" + api.port()), line);
        assertTrue(line.contains("HTTP 400 invalid_request: Identity not found"), line);
        assertEquals(0, api.getAllServeEvents().size(), "the request must not go out");
    }
}
