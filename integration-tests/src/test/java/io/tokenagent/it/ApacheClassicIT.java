package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Apache HttpClient 4 and 5 (classic), each at the oldest and newest supported versions, on each JDK. */
class ApacheClassicIT extends ClientContract {

    @Override
    List<String> versions() {
        return List.of("apache-4.3.6", "apache-4.5.14", "apache5-5.0", "apache5-5.6");
    }

    @Override
    String appFor(String version) {
        return version.startsWith("apache5-") ? "io.tokenagent.it.apps.Apache5ClassicApp"
                : "io.tokenagent.it.apps.ApacheClassicApp";
    }

    @Override
    List<Mode> modes() {
        return List.of(Mode.of("java.io.IOException"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkAndVersion")
    void aRedeployedWebApplicationsLoaderIsNotKeptByTheAgent(Jdk jdk, String version) throws Exception {
        Quick.skip("no redeploy cases");
        tokenEndpointGives("token-webapp", 3600);
        AgentJvm.Result result = redeployed(AgentJvm.on(jdk).agentArgs(ruleFor("/api")), version, "/api/webapp");

        assertEquals(Collections.nCopies(3, "Bearer token-webapp"), received(api, "/api/webapp", "Authorization"));
        assertEquals(List.of(" collected 3/3"), result.linesStarting("LOADERS"), result.toString());
    }
}
