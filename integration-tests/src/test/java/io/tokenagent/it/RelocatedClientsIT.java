package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clients relocated by maven-shade-plugin inside a vendor's jar (the {@code relocated-vendor} module: Apache
 * HttpClient 4.5 and 5.6, classic and async, OkHttp 4 and Netty 4.1, all under {@code com.example.vendor.shaded}),
 * with no unrelocated copy on the class path: a matched request gets the token, an unmatched one does not. A
 * relocated copy of a version the agent does not support is left alone, with one warn line.
 */
class RelocatedClientsIT extends AgentTestSupport {

    static Stream<Arguments> jdkAndClient() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("apache4", "apache5", "apache5-async", "okhttp", "netty")
                .map(client -> Arguments.of(jdk, client)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkAndClient")
    void aRelocatedClientCarriesTheTokenToMatchedUrlsOnly(Jdk jdk, String client) throws Exception {
        tokenEndpointGives("token-shaded", 3600);
        AgentJvm.Result result = onClient(jdk, "relocated-vendor").agentArgs(ruleFor("/api"))
                .mainClass("com.example.vendor.VendorApp").run(client, apiUrl("/api/shaded"),
                        apiUrl("/public/shaded"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-shaded"), received(api, "/api/shaded", "Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/public/shaded", "Authorization"));
        assertTrue(result.stderrLines().stream().noneMatch(l -> l.startsWith("token-agent: WARN")),
                result.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenagent.it.Jdk#all")
    void aRelocatedCopyOfAnUnsupportedVersionIsLeftAloneAndSaysSoOnce(Jdk jdk) throws Exception {
        // AsyncHttpClient 2.0 on a relocated Netty 4.0 (the relocated-ahc-2.0.39 module): the copy is recognised,
        // its shape does not check, and the agent says so once rather than stay silent or break it.
        tokenEndpointGives("token-unused", 3600);
        AgentJvm.Result result = onClient(jdk, "relocated-ahc-2.0.39").agentArgs(ruleFor("/api"))
                .mainClass("com.example.legacy.LegacyApp").run(apiUrl("/api/old"), apiUrl("/api/again"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok"), result.responses(), result.toString());
        List<String> warnings = result.stderrLines().stream().filter(l -> l.startsWith("token-agent: WARN")).toList();
        assertEquals(1, warnings.size(), result.toString());
        assertTrue(warnings.get(0).contains("netty-http relocated to com.example.legacy.shaded.netty: the copy at "
                + "file:") && warnings.get(0).contains("/legacy-sdk-shaded.jar is not a version this agent can instrument, "
                        + "matched requests through it go out without a token"), warnings.get(0));
        assertEquals(Collections.singletonList(null), received(api, "/api/old", "Authorization"));
    }
}
