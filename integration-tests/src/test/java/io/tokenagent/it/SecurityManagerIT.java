package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenagent.it.apps.SecurityManagerApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A security manager installed after {@code HttpURLConnection} was rewritten refuses the rewritten class the opening
 * of the JDK methods its hook calls (the application, on the stack, lacks {@code suppressAccessChecks}): a matched
 * request then fails with the agent's error (on_failure=fail), never goes out without its token.
 */
class SecurityManagerIT extends AgentTestSupport {

    @TempDir
    Path dir;

    @Test
    void aMatchedRequestTheHookCannotServeFailsRatherThanGoingOutWithoutItsToken() throws Exception {
        Jdk jdk = Jdk.all().get(0);
        Assumptions.assumeTrue(Runtime.version().feature() < 24, "no security manager after Java 23");
        tokenEndpointGives("token-sm", 3600);
        Path policy = dir.resolve("app.policy");
        Files.writeString(policy, "grant {\n"
                + "  permission java.net.SocketPermission \"*\", \"connect,resolve\";\n"
                + "  permission java.util.PropertyPermission \"*\", \"read\";\n"
                + "  permission java.lang.RuntimePermission \"createSecurityManager\";\n"
                + "  permission java.lang.RuntimePermission \"setSecurityManager\";\n"
                + "};\n");
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api"))
                .jvmArg("-Djava.security.manager=allow").jvmArg("-Djava.security.policy=" + policy)
                .mainClass(SecurityManagerApp.class.getName()).run(apiUrl("/api/sm"));

        assertTrue(result.stdout().contains("ERROR token-agent: "), result.toString());
        assertEquals(List.of(), received(api, "/api/sm", "Authorization"), result.toString());
    }
}
