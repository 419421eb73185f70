package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent attached to a running application rewrites the client classes it has already loaded. */
class AttachIT extends AgentTestSupport {

    static Stream<Jdk> jdks() {
        return Jdk.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void attachingLaterInjectsIntoAlreadyLoadedClients(Jdk jdk) throws Exception {
        tokenEndpointGives("token-attached", 3600);
        AgentJvm.Result result = AgentJvm.on(jdk).withoutAgent().jvmArg("-Djdk.attach.allowAttachSelf=true")
                .mainClass("io.tokenagent.it.apps.AttachApp")
                .run(AgentJvm.AGENT_JAR.toAbsolutePath().toString(), ruleFor("/api"), apiUrl("/api/attach"));

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stdout().contains("BEFORE 200") && result.stdout().contains("AFTER 200"), result.toString());
        assertEquals(Arrays.asList(null, "Bearer token-attached"), received(api, "/api/attach", "Authorization"));
    }
}
