package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container entrypoint {@code token-agent-exec}, run for real by {@code sh}: it puts the agent in whatever JVM
 * its command starts, keeps the application's own {@code JAVA_TOOL_OPTIONS}, never adds the agent twice, and finds
 * its jar through symlinks.
 */
class EntrypointIT extends AgentTestSupport {

    private static final Path SCRIPT = AgentJvm.AGENT_JAR.toAbsolutePath().getParent().resolve("token-agent-exec");

    @TempDir
    Path dir;

    private record Run(int exitCode, String stdout, String stderr) {

        /** The options the JVM says it picked up from {@code JAVA_TOOL_OPTIONS}. */
        String pickedUp() {
            return stderr.lines().filter(l -> l.startsWith("Picked up JAVA_TOOL_OPTIONS: ")).findFirst()
                    .map(l -> l.substring("Picked up JAVA_TOOL_OPTIONS: ".length())).orElse("");
        }
    }

    private Run run(String javaToolOptions, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("TOKEN_AGENT_") || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().put("TOKEN_AGENT_ENDPOINT", endpoint());
        builder.environment().put("TOKEN_AGENT_MATCH", apiUrl("/api"));
        builder.environment().put("TOKEN_AGENT_RESOURCE", RESOURCE);
        if (javaToolOptions != null) {
            builder.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
        }
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the command did not finish");
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static List<String> app(String... urls) {
        List<String> command = new ArrayList<>(List.of(Jdk.all().get(0).java(), "-cp", AgentJvm.APP_CLASSES,
                "io.tokenagent.it.apps.ClientApp", "urlconnection"));
        command.addAll(List.of(urls));
        return command;
    }

    private static String[] command(List<String> prefix, List<String> rest) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(rest);
        return all.toArray(new String[0]);
    }

    @Test
    void theApplicationsJvmGetsTheAgentAndKeepsItsOwnOptions() throws Exception {
        tokenEndpointGives("token-exec", 3600);
        Run run = run("-Dapp.option=kept", command(List.of("sh", SCRIPT.toString()),
                app(apiUrl("/api/one"), apiUrl("/open/two"))));

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("-Dapp.option=kept -javaagent:" + SCRIPT.getParent().toRealPath().resolve("token-agent.jar"),
                run.pickedUp());
        assertEquals(List.of("Bearer token-exec"), received(api, "/api/one", "Authorization"));
        assertEquals(java.util.Collections.singletonList(null), received(api, "/open/two", "Authorization"));
    }

    @Test
    void aNestedCallAndAStartScriptStillGiveOneAgent() throws Exception {
        tokenEndpointGives("token-nested", 3600);
        Path start = dir.resolve("start.sh");
        Files.writeString(start, "#!/bin/sh\n# a legacy start script that ends up launching a JVM\nexec \"$@\"\n");
        Run run = run(null, command(List.of(SCRIPT.toString(), SCRIPT.toString(), "sh", start.toString()),
                app(apiUrl("/api/nested"))));

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("-javaagent:" + SCRIPT.getParent().toRealPath().resolve("token-agent.jar"), run.pickedUp());
        assertEquals(List.of("Bearer token-nested"), received(api, "/api/nested", "Authorization"));
    }

    @Test
    void itFindsItsJarThroughAChainOfSymlinks() throws Exception {
        tokenEndpointGives("token-linked", 3600);
        Path bin = Files.createDirectories(dir.resolve("usr/local/bin"));
        Path opt = Files.createDirectories(dir.resolve("opt"));
        Files.createSymbolicLink(opt.resolve("token-agent-exec"), SCRIPT);
        Files.createSymbolicLink(bin.resolve("token-agent-exec"), Path.of("../../../opt/token-agent-exec"));
        Run run = run(null, command(List.of(bin.resolve("token-agent-exec").toString()), app(apiUrl("/api/linked"))));

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(List.of("Bearer token-linked"), received(api, "/api/linked", "Authorization"));
    }

    @Test
    void withoutACommandItSaysHowToUseIt() throws Exception {
        Run run = run(null, SCRIPT.toString());
        assertEquals(2, run.exitCode());
        assertEquals("usage: token-agent-exec COMMAND [ARGUMENT...]", run.stderr().strip());
        assertTrue(new File(SCRIPT.toString()).canExecute(), "the build leaves the script executable");
    }
}
