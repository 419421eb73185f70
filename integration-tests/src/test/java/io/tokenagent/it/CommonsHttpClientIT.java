package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Jakarta Commons HttpClient 3.0 and 3.1, whose director follows redirects and answers challenges itself. */
class CommonsHttpClientIT extends ClientContract {

    private static final String BASIC = "Basic dXNlcjpzZWNyZXQ="; // user:secret

    @Override
    List<String> versions() {
        return List.of("commons-httpclient-3.0", "commons-httpclient-3.1");
    }

    @Override
    String appFor(String version) {
        return "io.tokenagent.it.apps.CommonsHttpClientApp";
    }

    @Override
    List<Mode> modes() {
        return List.of(Mode.of("java.io.IOException"));
    }

    /**
     * The client's own authentication round on another origin (a 401, then the same request again with the
     * application's credentials) after a redirect from the matched one: neither try carries the agent's header.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkAndVersion")
    void theClientsOwnAuthenticationRetryOnAnotherOriginNeverCarriesTheToken(Jdk jdk, String version)
            throws Exception {
        tokenEndpointGives("token-auth", 3600);
        api.stubFor(get(urlPathEqualTo("/api/to-secure")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", otherUrl("/secure"))));
        other.stubFor(get(urlPathEqualTo("/secure")).willReturn(aResponse().withStatus(401)
                .withHeader("WWW-Authenticate", "Basic realm=\"other\"")));
        other.stubFor(get(urlPathEqualTo("/secure")).withHeader("Authorization", equalTo(BASIC))
                .willReturn(aResponse().withStatus(200).withBody("secret")));

        AgentJvm.Result result = app(jdk, version, ruleFor("/api")).run("--credentials", "user:secret",
                apiUrl("/api/to-secure"));

        assertEquals(List.of("STATUS 200 secret"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-auth"), received(api, "/api/to-secure", "Authorization"));
        assertEquals(Arrays.asList(null, BASIC), received(other, "/secure", "Authorization"));
    }
}
