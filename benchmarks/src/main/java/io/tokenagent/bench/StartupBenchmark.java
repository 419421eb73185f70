package io.tokenagent.bench;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Whole-process start-up: {@link StartupApp} (one GET, matched URL) started again and again without and with
 * {@code -javaagent}, alternating, after warm-up runs. Wall time from process start to exit, and the process's own
 * peak RSS. The agent's run must show the server saw the token, the plain run that it did not.
 */
public final class StartupBenchmark {

    private final LocalServers servers;
    private final String agentJar;
    private final String classpath;

    StartupBenchmark(LocalServers servers, String agentJar) {
        this.servers = servers;
        this.agentJar = agentJar;
        this.classpath = new File(StartupApp.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .getPath();
    }

    /** Returns the summary lines. */
    List<String> run(String client, int runs, int warmups) throws Exception {
        List<Long> plainMillis = new ArrayList<>();
        List<Long> agentMillis = new ArrayList<>();
        List<Long> plainKb = new ArrayList<>();
        List<Long> agentKb = new ArrayList<>();
        for (int i = 0; i < warmups + runs; i++) {
            boolean agentFirst = i % 2 == 1;
            for (int k = 0; k < 2; k++) {
                boolean agent = agentFirst == (k == 0);
                long[] result = once(client, agent);
                if (i >= warmups) {
                    (agent ? agentMillis : plainMillis).add(result[0]);
                    (agent ? agentKb : plainKb).add(result[1]);
                }
            }
        }
        long plainMedian = percentile(plainMillis, 50);
        long agentMedian = percentile(agentMillis, 50);
        double rssMib = (percentile(agentKb, 50) - percentile(plainKb, 50)) / 1024.0;
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "startup %-10s no agent: median %d ms, p90 %d ms; agent: median %d ms,"
                + " p90 %d ms; added: %+d ms median (%.2fx)", client, plainMedian, percentile(plainMillis, 90),
                agentMedian, percentile(agentMillis, 90), agentMedian - plainMedian,
                agentMedian / (double) plainMedian));
        lines.add(String.format(Locale.ROOT, "peak RSS %-9s no agent: median %.1f MiB; agent: median %.1f MiB; "
                + "added: %+.1f MiB", client, percentile(plainKb, 50) / 1024.0, percentile(agentKb, 50) / 1024.0,
                rssMib));
        return lines;
    }

    private long[] once(String client, boolean agent) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + "/bin/java");
        if (agent) {
            command.add("-javaagent:" + agentJar + "=" + servers.agentArgs());
        }
        command.add("-cp");
        command.add(classpath);
        command.add(StartupApp.class.getName());
        command.add(client);
        command.add(servers.base() + "/api/x");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        long start = System.nanoTime();
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int exit = process.waitFor();
        long millis = (System.nanoTime() - start) / 1_000_000;
        String expected = agent ? "auth:yes " : "auth:no ";
        if (exit != 0 || !out.startsWith(expected)) {
            throw new IllegalStateException("run " + command + " gave exit " + exit + ": " + out);
        }
        return new long[] {millis, Long.parseLong(out.substring(expected.length()).trim())};
    }

    static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
