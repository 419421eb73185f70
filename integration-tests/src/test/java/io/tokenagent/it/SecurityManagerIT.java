package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenagent.it.apps.SecurityManagerApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applications that install a security manager (Java 23 and earlier) whose policy grants them what their own work
 * needs and nothing of the agent's: the agent does its privileged work (its threads, its module grant) as itself.
 */
class SecurityManagerIT extends AgentTestSupport {

    @TempDir
    Path dir;
    private Path policy;

    @BeforeEach
    void policy() throws IOException {
        Assumptions.assumeTrue(Runtime.version().feature() < 24, "no security manager after Java 23");
        policy = dir.resolve("app.policy");
        Files.writeString(policy, "grant {\n"
                + "  permission java.net.SocketPermission \"*\", \"connect,resolve\";\n"
                + "  permission java.util.PropertyPermission \"*\", \"read\";\n"
                + "  permission java.lang.RuntimePermission \"createSecurityManager\";\n"
                + "  permission java.lang.RuntimePermission \"setSecurityManager\";\n"
                + "};\n");
    }

    @Test
    void aMatchedRequestGetsItsTokenUnderAManagerInstalledFirst() throws Exception {
        tokenEndpointGives("token-sm", 3600);
        AgentJvm.Result result = run("first");

        assertEquals(List.of("STATUS 200"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-sm"), received(api, "/api/sm", "Authorization"), result.toString());
    }

    /**
     * Installed after {@code HttpURLConnection} was rewritten, the manager refuses the rewritten class the opening of
     * the JDK methods its hook calls (the application, on the stack, lacks {@code suppressAccessChecks}): a matched
     * request fails with the agent's error (on_failure=fail), never goes out without its token.
     */
    @Test
    void aMatchedRequestTheHookCannotServeFailsRatherThanGoingOutWithoutItsToken() throws Exception {
        tokenEndpointGives("token-sm", 3600);
        AgentJvm.Result result = run("after-load");

        assertTrue(result.stdout().contains("ERROR java.io.IOException: token-agent: "), result.toString());
        assertEquals(List.of(), received(api, "/api/sm", "Authorization"), result.toString());
    }

    private AgentJvm.Result run(String when) throws Exception {
        return AgentJvm.on(Jdk.all().get(0)).agentArgs(ruleFor("/api")).jvmArg("-Djava.security.manager=allow")
                .jvmArg("-Djava.security.policy=" + policy).mainClass(SecurityManagerApp.class.getName())
                .run(when, apiUrl("/api/sm"));
    }
}
