package io.tokenagent.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Whole-process start-up: {@link StartupApp} (one GET of a matched URL) started again and again with no agent, with
 * an empty agent ({@link EmptyAgent}: what any {@code -javaagent} costs), with the two floors of {@link FloorAgent}
 * (a transformer that changes nothing; the same also rewriting {@code HttpURLConnection} with ASM, unchanged) and
 * with token-agent (one rule in a JSON configuration file, so the run includes reading it and one token fetch), all
 * interleaved in a rotating order after warm-up runs. Per run: wall time from process start to exit, and the
 * process's own peak RSS and CPU time. Each run checks the server saw the token exactly when token-agent was attached.
 */
public final class StartupBenchmark {

    static final String NONE = "no agent";
    static final String EMPTY = "empty agent";
    static final String TRANSFORMER_FLOOR = "transformer";
    static final String REWRITE_FLOOR = "ASM rewrite";
    static final String AGENT = "token-agent";
    /** Another build of token-agent (given with {@code against=<jar>}), measured in the same rotation. */
    static final String AGAINST = "against";

    private final LocalServers servers;
    private final String agentJar;
    private final String againstJar; // null: none
    private final String classpath;
    private final Path emptyAgentJar;
    private final Path floorAgentJar;
    private final Path configFile;

    StartupBenchmark(LocalServers servers, String agentJar, String againstJar) throws IOException {
        this.servers = servers;
        this.agentJar = new File(agentJar).getCanonicalPath();
        this.againstJar = againstJar == null ? null : asTokenAgentJar(againstJar);
        this.classpath = new File(StartupApp.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .getPath();
        this.emptyAgentJar = agentJar("empty-agent.jar", EmptyAgent.class, false);
        this.floorAgentJar = agentJar("floor-agent.jar", FloorAgent.class, true, "org/objectweb/asm/");
        this.configFile = Files.createTempFile("startup-rules", ".json");
        configFile.toFile().deleteOnExit();
        // The default log level (info: the start line and the token's, with its fingerprint), as a user starts it.
        Files.writeString(configFile, "{\n  \"endpoint\": \"" + servers.base() + "/token\",\n"
                + "  \"rules\": [ { \"match\": \"" + servers.base() + "/api\", \"resource\": \"https://bench.example\" } ]\n}\n");
    }

    /** Medians of each mode's runs: wall ms, CPU ms, peak RSS KiB. Prints every run's figures to stdout as it goes. */
    Map<String, long[]> run(String client, int runs, int warmups) throws Exception {
        List<String> modes = new ArrayList<>(List.of(NONE, EMPTY, TRANSFORMER_FLOOR, REWRITE_FLOOR, AGENT));
        if (againstJar != null) {
            modes.add(AGAINST);
        }
        Map<String, List<long[]>> results = new LinkedHashMap<>();
        for (String mode : modes) {
            results.put(mode, new ArrayList<>());
        }
        for (int i = 0; i < warmups + runs; i++) {
            for (int k = 0; k < modes.size(); k++) {
                String mode = modes.get((i + k) % modes.size());
                long[] result = once(client, mode);
                if (i >= warmups) {
                    results.get(mode).add(result);
                }
            }
        }
        Map<String, long[]> medians = new LinkedHashMap<>();
        for (String mode : modes) {
            List<long[]> list = results.get(mode);
            medians.put(mode, new long[] {median(list, 0), median(list, 1), median(list, 2)});
            System.out.printf(Locale.ROOT, "startup %-13s %-12s wall ms %s%n", client, mode, column(list, 0));
            System.out.printf(Locale.ROOT, "startup %-13s %-12s CPU ms  %s%n", client, mode, column(list, 1));
        }
        return medians;
    }

    /**
     * The agent's classes (from its jar, and those it defines: the bridge and the hooks) loaded before {@code main}
     * and by the end of the run, and the JDK classes loaded from the runtime image rather than the CDS archive,
     * in one run with {@code -Xlog:class+load} of the given mode.
     */
    int[] classCounts(String client, String mode) throws Exception {
        Path log = Files.createTempFile("class-load", ".txt");
        try {
            once(client, mode, "-Xlog:class+load:file=" + log);
            String jar = mode.equals(AGENT) ? agentJar : againstJar;
            int beforeMain = -1;
            int agent = 0;
            int jdkFromImage = 0;
            for (String line : Files.readAllLines(log)) {
                if (line.contains(" " + StartupApp.class.getName() + " source:")) {
                    beforeMain = agent;
                } else if (line.endsWith("source: " + jar) || line.endsWith("source: file:" + jar) // boot, system
                        || line.contains(" io.tokenagent.") && line.contains("source: __JVM_DefineClass__")) {
                    agent++;
                } else if (line.contains("source: jrt:/")) {
                    jdkFromImage++;
                }
            }
            return new int[] {beforeMain, agent, jdkFromImage};
        } finally {
            Files.delete(log);
        }
    }

    private long[] once(String client, String mode, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + "/bin/java");
        command.addAll(List.of(jvmOptions));
        if (mode.equals(EMPTY)) {
            command.add("-javaagent:" + emptyAgentJar);
        } else if (mode.equals(TRANSFORMER_FLOOR) || mode.equals(REWRITE_FLOOR)) {
            command.add("-javaagent:" + floorAgentJar + "=" + (mode.equals(REWRITE_FLOOR) ? "rewrite" : "transformer"));
        } else if (mode.equals(AGENT) || mode.equals(AGAINST)) {
            command.add("-javaagent:" + (mode.equals(AGENT) ? agentJar : againstJar) + "=config=" + configFile);
        }
        command.addAll(List.of("-cp", classpath, StartupApp.class.getName(), client, servers.base() + "/api/x"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        long start = System.nanoTime();
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int exit = process.waitFor();
        long millis = (System.nanoTime() - start) / 1_000_000;
        String expected = mode.equals(AGENT) || mode.equals(AGAINST) ? "auth:yes " : "auth:no ";
        // The application's one line, among the agent's own (its start and token lines at the default level).
        String line = out.lines().filter(l -> l.startsWith("auth:")).findFirst().orElse("");
        if (exit != 0 || !line.startsWith(expected)) {
            throw new IllegalStateException("run " + command + " gave exit " + exit + ": " + out);
        }
        String[] figures = line.substring(expected.length()).trim().split(" ");
        return new long[] {millis, Long.parseLong(figures[1]), Long.parseLong(figures[0])};
    }

    /**
     * A copy of another build, named {@code token-agent.jar} in a directory of its own: the name its manifest's
     * {@code Boot-Class-Path} gives, so that it starts as a user's copy does.
     */
    private static String asTokenAgentJar(String jar) throws IOException {
        Path directory = Files.createTempDirectory("against");
        Path copy = directory.resolve("token-agent.jar");
        Files.copy(Path.of(jar), copy);
        copy.toFile().deleteOnExit();
        directory.toFile().deleteOnExit();
        return copy.toFile().getCanonicalPath();
    }

    /**
     * A jar in a directory of its own whose manifest names {@code premain}'s class as its {@code Premain-Class}, with
     * that class, its nested ones and the classes under the given package prefixes, copied from the jar these
     * benchmarks run from; when asked, with token-agent's manifest entries (on the boot class path, retransforming).
     */
    private static Path agentJar(String name, Class<?> premain, boolean likeTokenAgent, String... packages)
            throws IOException {
        Path directory = Files.createTempDirectory("agent");
        directory.toFile().deleteOnExit();
        Path jar = directory.resolve(name);
        jar.toFile().deleteOnExit();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", premain.getName());
        if (likeTokenAgent) {
            manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
            manifest.getMainAttributes().putValue("Boot-Class-Path", name);
        }
        List<String> prefixes = new ArrayList<>(List.of(packages));
        prefixes.add(premain.getName().replace('.', '/') + ".class");
        prefixes.add(premain.getName().replace('.', '/') + "$");
        try (java.util.jar.JarFile source = new java.util.jar.JarFile(
                new File(premain.getProtectionDomain().getCodeSource().getLocation().getPath()));
                OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (JarEntry entry : Collections.list(source.entries())) {
                if (entry.getName().endsWith(".class") && prefixes.stream().anyMatch(entry.getName()::startsWith)) {
                    try (InputStream in = source.getInputStream(entry)) {
                        out.putNextEntry(new JarEntry(entry.getName()));
                        in.transferTo(out);
                        out.closeEntry();
                    }
                }
            }
        }
        return jar;
    }

    private static long median(List<long[]> runs, int field) {
        List<Long> sorted = new ArrayList<>();
        for (long[] run : runs) {
            sorted.add(run[field]);
        }
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String column(List<long[]> runs, int field) {
        StringBuilder sb = new StringBuilder();
        for (long[] run : runs) {
            sb.append(' ').append(run[field]);
        }
        return sb.toString();
    }
}
