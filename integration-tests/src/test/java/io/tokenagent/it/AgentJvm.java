package io.tokenagent.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts a test application in a JVM of its own, with {@code -javaagent:token-agent.jar=<args>} or without. */
public final class AgentJvm {

    static final Path AGENT_JAR = Path.of(System.getProperty("agent.jar", "../agent/target/token-agent.jar"));
    static final String APP_CLASSES = System.getProperty("apps.classpath", "target/test-classes");

    private final Jdk jdk;
    private String agentArgs;
    private boolean agent = true;
    private Path agentJar = AGENT_JAR;
    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private final List<String> classpath = new ArrayList<>(List.of(APP_CLASSES));
    private String mainClass = "io.tokenagent.it.apps.ClientApp";
    private long timeoutSeconds = 60;

    private AgentJvm(Jdk jdk) {
        this.jdk = jdk;
    }

    /** A JVM of {@code jdk}; skips the calling test when that JDK is not on this machine. */
    public static AgentJvm on(Jdk jdk) {
        jdk.assumeAvailable();
        return new AgentJvm(jdk);
    }

    public AgentJvm agentArgs(String args) {
        this.agentArgs = args;
        return this;
    }

    /** Another copy of the agent jar (its file name decides how its classes load: README, Performance). */
    public AgentJvm agentJar(Path jar) {
        this.agentJar = jar;
        return this;
    }

    public AgentJvm withoutAgent() {
        this.agent = false;
        return this;
    }

    public AgentJvm jvmArg(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    public AgentJvm env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public AgentJvm classpath(String entry) {
        classpath.add(entry);
        return this;
    }

    /** The application's class path, instead of the test classes' directory (an AOT cache takes jars only). */
    public AgentJvm classpathOnly(String entry) {
        classpath.clear();
        classpath.add(entry);
        return this;
    }

    public AgentJvm mainClass(String name) {
        this.mainClass = name;
        return this;
    }

    public AgentJvm timeoutSeconds(long seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    public Result run(String... args) throws IOException, InterruptedException {
        if (!Files.isRegularFile(AGENT_JAR)) {
            throw new IllegalStateException("no agent jar at " + AGENT_JAR.toAbsolutePath() + ": build it first");
        }
        List<String> command = new ArrayList<>();
        command.add(jdk.java());
        if (agent) {
            command.add("-javaagent:" + agentJar.toAbsolutePath() + (agentArgs == null ? "" : "=" + agentArgs));
        }
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add(mainClass);
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        // Hermetic: nothing of this machine's identity environment chooses the application's token source.
        builder.environment().keySet().removeIf(k -> k.startsWith("TOKEN_AGENT_") || k.equals("JAVA_TOOL_OPTIONS")
                || k.startsWith("AZURE_") || k.startsWith("IDENTITY_") || k.startsWith("MSI_")
                || k.equals("IMDS_ENDPOINT"));
        builder.environment().putAll(env);
        Path out = Files.createTempFile("app", ".out");
        Path err = Files.createTempFile("app", ".err");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        long started = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("application did not finish in " + timeoutSeconds + " s: " + command
                    + "\n--- stdout\n" + Files.readString(out) + "--- stderr\n" + Files.readString(err));
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), millis);
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    /** What the application printed, and how it ended. */
    public record Result(int exitCode, String stdout, String stderr, long millis) {

        public List<String> lines() {
            return stdout.lines().filter(l -> !l.isEmpty()).toList();
        }

        /** The application's one line per request. */
        public List<String> responses() {
            return stdout.lines().filter(l -> l.startsWith("STATUS ") || l.startsWith("ERROR ")).toList();
        }

        /** The lines of stdout that start with {@code prefix}, without it. */
        public List<String> linesStarting(String prefix) {
            return stdout.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
        }

        public List<String> stderrLines() {
            return stderr.lines().filter(l -> !l.isEmpty()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + " after " + millis + " ms\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
