package io.tokenagent.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark against "no agent" in the same run and prints the ratios. Arguments: the agent jar, then
 * any of {@code startup}, {@code requests}, {@code bridge} (default: all), and {@code quick} for a short run.
 */
public final class RunAll {

    public static void main(String[] args) throws Exception {
        String agentJar = new java.io.File(args[0]).getAbsolutePath();
        List<String> what = new ArrayList<>(List.of(args).subList(1, args.length));
        boolean quick = what.remove("quick");
        if (what.isEmpty()) {
            what = List.of("startup", "requests", "bridge");
        }
        List<String> summary = new ArrayList<>();
        try (LocalServers servers = new LocalServers()) {
            if (what.contains("startup")) {
                StartupBenchmark startup = new StartupBenchmark(servers, agentJar);
                int runs = quick ? 8 : 20;
                summary.addAll(startup.run("urlconnection", runs, 3));
                summary.addAll(startup.run("httpclient", runs, 3));
            }
            if (what.contains("requests")) {
                Map<String, Double> plain = jmh(servers, null, RequestBenchmark.class, quick, "header-by-app",
                        "unmatched");
                Map<String, Double> agent = jmh(servers, agentJar, RequestBenchmark.class, quick, "header-by-agent",
                        "unmatched");
                for (String client : List.of("urlConnection", "httpClient", "httpClientAsync", "reactorNetty")) {
                    summary.add(ratio("matched  " + client, plain.get(client + " header-by-app"),
                            agent.get(client + " header-by-agent"), "app sets the header", "agent sets it"));
                    summary.add(ratio("unmatched " + client, plain.get(client + " unmatched"),
                            agent.get(client + " unmatched"), "no agent", "agent"));
                }
            }
            if (what.contains("bridge")) {
                Map<String, Double> bridge = jmh(servers, agentJar, BridgeBenchmark.class, quick);
                bridge.forEach((name, ns) -> summary.add(String.format(Locale.ROOT, "bridge %-16s %8.1f ns/op",
                        name.trim(), ns)));
            }
        }
        System.out.println();
        System.out.println("== token-agent benchmark summary (this machine, this run) ==");
        summary.forEach(System.out::println);
    }

    private static String ratio(String what, double plainMicros, double agentMicros, String plainName,
            String agentName) {
        return String.format(Locale.ROOT, "request %-22s %s: %7.1f us/op; %s: %7.1f us/op; ratio %.3f", what,
                plainName, plainMicros, agentName, agentMicros, agentMicros / plainMicros);
    }

    /** Runs one benchmark class in forked JVMs, with or without the agent; returns "method mode" to score. */
    private static Map<String, Double> jmh(LocalServers servers, String agentJar, Class<?> benchmark, boolean quick,
            String... modes) throws Exception {
        List<String> jvmArgs = new ArrayList<>(List.of("-Dbench.base=" + servers.base(), "-Xmx256m"));
        if (agentJar != null) {
            jvmArgs.add("-javaagent:" + agentJar + "=" + servers.agentArgs());
        }
        ChainedOptionsBuilder options = new OptionsBuilder().include(benchmark.getName() + ".")
                .forks(quick ? 1 : 2).warmupIterations(quick ? 2 : 4).warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 6).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend(jvmArgs.toArray(new String[0]));
        if (modes.length > 0) {
            options.param("mode", modes);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, Double> scores = new HashMap<>();
        for (RunResult result : results) {
            String method = result.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            String mode = modes.length > 0 ? " " + result.getParams().getParam("mode") : "";
            scores.put(method + mode, result.getPrimaryResult().getScore());
        }
        return scores;
    }
}
