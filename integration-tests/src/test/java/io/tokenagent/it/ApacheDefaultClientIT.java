package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Apache HttpClient 4's {@code AbstractHttpClient} API ({@code new DefaultHttpClient().execute(...)}), whose
 * requests go through {@code DefaultRequestDirector} rather than {@code MainClientExec}: 4.0 as the oldest, 4.2 as
 * the last before {@code HttpClientBuilder}, and 4.5.14 where both APIs live side by side.
 */
class ApacheDefaultClientIT extends ClientContract {

    @Override
    List<String> versions() {
        return List.of("apache-4.0.3", "apache-4.2.6", "apache-4.5.14");
    }

    @Override
    String appFor(String version) {
        return "io.tokenagent.it.apps.ApacheDefaultClientApp";
    }

    @Override
    List<Mode> modes() {
        return List.of(Mode.of("java.io.IOException"));
    }

    /** The family's other clients, and a wrapper around one, take the same path (4.2 and later have all three). */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versionOnTheBuildJdk")
    void theFamilysOtherClientsAndWrappersGetTheirToken(Jdk jdk, String version) throws Exception {
        assumeFalse(version.equals("apache-4.0.3"), "4.0 has none of them");
        tokenEndpointGives("token-family", 3600);
        for (String client : List.of("system", "content-encoding", "decompressing")) {
            AgentJvm.Result result = app(jdk, version, ruleFor("/api")).run("--client", client,
                    apiUrl("/api/" + client));

            assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
            assertEquals(List.of("Bearer token-family"), received(api, "/api/" + client, "Authorization"));
        }
    }
}
