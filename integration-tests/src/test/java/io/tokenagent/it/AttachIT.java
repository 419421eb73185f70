package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void theAttachCommandLoadsTheAgentIntoARunningApplicationOnce(Jdk jdk) throws Exception {
        jdk.assumeAvailable();
        tokenEndpointGives("token-cli", 3600);
        // -XX:+EnableDynamicAgentLoading: what an operator sets on JDK 21+ to attach agents without a warning
        Process app = new ProcessBuilder(jdk.java(), "-XX:+EnableDynamicAgentLoading", "-cp", AgentJvm.APP_CLASSES,
                "io.tokenagent.it.apps.LongRunningApp", apiUrl("/api/live")).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
            String pid = out.readLine().substring("PID ".length());
            waitFor(() -> received(api, "/api/live", "Authorization").size() >= 2);

            Cli attach = cli(jdk, "attach", pid, ruleFor("/api"));
            assertEquals(new Cli(0, "token-agent: attached to process " + pid), attach);
            waitFor(() -> received(api, "/api/live", "Authorization").contains("Bearer token-cli"));
            assertEquals(new Cli(0, "token-agent: already active in process " + pid), cli(jdk, "attach", pid,
                    ruleFor("/api")), "attaching twice is harmless");
            Cli changed = cli(jdk, "attach", pid, ruleFor("/other"));
            assertEquals(1, changed.exitCode(), changed.toString());
            assertTrue(changed.line().startsWith("token-agent: already active in process " + pid + " with other "
                    + "options ("), changed.line());

            app.getOutputStream().write('\n');
            app.getOutputStream().flush();
            assertTrue(app.waitFor(30, TimeUnit.SECONDS));
        } finally {
            app.destroyForcibly();
        }
        List<String> seen = received(api, "/api/live", "Authorization");
        int first = seen.indexOf("Bearer token-cli");
        assertTrue(first >= 2 && seen.subList(0, first).stream().allMatch(v -> v == null)
                && seen.subList(first, seen.size()).stream().allMatch("Bearer token-cli"::equals),
                "requests before the attach go without a token, every one after it with: " + seen);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void theAttachCommandSaysInOneLineWhatWentWrong(Jdk jdk) throws Exception {
        jdk.assumeAvailable();
        Cli noSuchProcess = cli(jdk, "attach", "2147483646", ruleFor("/api"));
        assertEquals(1, noSuchProcess.exitCode(), noSuchProcess.toString());
        assertTrue(noSuchProcess.line().startsWith("token-agent: cannot attach to process 2147483646: "),
                noSuchProcess.toString());

        Process app = new ProcessBuilder(jdk.java(), "-XX:+EnableDynamicAgentLoading", "-cp", AgentJvm.APP_CLASSES,
                "io.tokenagent.it.apps.LongRunningApp", apiUrl("/open/live")).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
            String pid = out.readLine().substring("PID ".length());
            Cli bad = cli(jdk, "attach", pid, ruleFor("/api", "on_failure=maybe"));
            assertEquals(new Cli(1, "token-agent: configuration error: agent argument on_failure: \"maybe\" is not "
                    + "one of fail and proceed"), bad);
            assertTrue(app.isAlive(), "a failed attach never stops the application");
        } finally {
            app.destroyForcibly();
        }
        Cli usage = cli(jdk, "--version");
        assertTrue(usage.exitCode() == 0 && usage.line().matches("token-agent \\d+\\.\\d+\\.\\d+.*"), usage.toString());
    }

    private record Cli(int exitCode, String line) {
    }

    private static Cli cli(Jdk jdk, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(jdk.java(), "-jar", AgentJvm.AGENT_JAR.toAbsolutePath()
                .toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return new Cli(process.exitValue(), output);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < end, "timed out waiting");
            Thread.sleep(100);
        }
    }
}
