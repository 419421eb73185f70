package io.tokenagent.bench;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * Runs every benchmark against "no agent" in the same run and prints the ratios as the README's Performance table.
 * Arguments: the agent jar, then any of {@code startup}, {@code requests}, {@code bridge} (default: all),
 * {@code quick} for a short run, {@code runs=N} for the start-ups of each mode (11; 5 with quick), and
 * {@code against=<jar>}.
 */
public final class RunAll {

    public static void main(String[] args) throws Exception {
        String agentJar = new java.io.File(args[0]).getAbsolutePath();
        List<String> what = new ArrayList<>(List.of(args).subList(1, args.length));
        boolean quick = what.remove("quick");
        String against = null;
        int runs = quick ? 5 : 11;
        for (String arg : List.copyOf(what)) {
            if (arg.startsWith("against=")) {
                against = new java.io.File(arg.substring("against=".length())).getAbsolutePath();
                what.remove(arg);
            } else if (arg.startsWith("runs=")) {
                runs = Integer.parseInt(arg.substring("runs=".length()));
                what.remove(arg);
            }
        }
        if (what.isEmpty()) {
            what = List.of("startup", "requests", "bridge");
        }
        List<String> table = new ArrayList<>();
        try (LocalServers servers = new LocalServers()) {
            if (what.contains("startup")) {
                StartupBenchmark startup = new StartupBenchmark(servers, agentJar, against);
                Map<String, long[]> url = startup.run("urlconnection", runs, 2);
                Map<String, long[]> http = startup.run("httpclient", runs, 2);
                table.add(row("start-up wall, token-agent / no agent (one matched request, token fetch included)",
                        both(ratio(url, StartupBenchmark.AGENT, StartupBenchmark.NONE, 0),
                                ratio(http, StartupBenchmark.AGENT, StartupBenchmark.NONE, 0))));
                table.add(row("start-up CPU, token-agent / no agent", both(ratio(url, StartupBenchmark.AGENT,
                        StartupBenchmark.NONE, 1), ratio(http, StartupBenchmark.AGENT, StartupBenchmark.NONE, 1))));
                table.add(row("start-up wall, token-agent / empty agent", both(ratio(url, StartupBenchmark.AGENT,
                        StartupBenchmark.EMPTY, 0), ratio(http, StartupBenchmark.AGENT, StartupBenchmark.EMPTY, 0))));
                table.add(row("start-up wall, empty agent / no agent", both(ratio(url, StartupBenchmark.EMPTY,
                        StartupBenchmark.NONE, 0), ratio(http, StartupBenchmark.EMPTY, StartupBenchmark.NONE, 0))));
                table.add(row("start-up wall, floors / no agent: an agent whose transformer changes nothing; the same"
                        + " also rewriting `HttpURLConnection` with ASM, unchanged", both(floors(url, 0),
                                floors(http, 0))));
                table.add(row("start-up CPU, the same floors / no agent", both(floors(url, 1), floors(http, 1))));
                table.add(row("peak RSS added by token-agent (by the two floors)", both(mibWithFloors(url),
                        mibWithFloors(http))));
                table.add(row("start-up medians with no agent, wall / CPU (the scale of this run)",
                        both(millis(url), millis(http))));
                table.add(row("token-agent's classes loaded before `main` / by the end (one matched request)",
                        both(classes(startup, "urlconnection", StartupBenchmark.AGENT),
                                classes(startup, "httpclient", StartupBenchmark.AGENT))));
                if (against != null) {
                    String a = StartupBenchmark.AGAINST;
                    table.add(row("start-up wall, token-agent / " + against, both(ratio(url, StartupBenchmark.AGENT,
                            a, 0), ratio(http, StartupBenchmark.AGENT, a, 0))));
                    table.add(row("start-up CPU, token-agent / " + against, both(ratio(url, StartupBenchmark.AGENT,
                            a, 1), ratio(http, StartupBenchmark.AGENT, a, 1))));
                    table.add(row("peak RSS, token-agent − " + against, both(mib(url, StartupBenchmark.AGENT, a),
                            mib(http, StartupBenchmark.AGENT, a))));
                    table.add(row("classes loaded before `main` / by the end, " + against,
                            both(classes(startup, "urlconnection", a), classes(startup, "httpclient", a))));
                }
            }
            if (what.contains("requests")) {
                String javaagent = "-javaagent:" + agentJar + "=" + servers.agentArgs();
                Map<String, Double> plain = jmh(servers, null, RequestBenchmark.class, quick, "mode",
                        "header-by-app", "unmatched");
                Map<String, Double> agent = jmh(servers, javaagent, RequestBenchmark.class, quick, "mode",
                        "header-by-agent", "unmatched");
                StringBuilder matched = new StringBuilder();
                StringBuilder unmatched = new StringBuilder();
                for (String client : List.of("urlConnection", "httpClient", "httpClientAsync", "reactorNetty")) {
                    String name = CLIENT_NAMES.get(client);
                    matched.append(matched.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f %s",
                            agent.get(client + " header-by-agent") / plain.get(client + " header-by-app"), name));
                    unmatched.append(unmatched.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
                            "%.2f %s", agent.get(client + " unmatched") / plain.get(client + " unmatched"), name));
                }
                table.add(row("request, matched, token cached: agent / the application setting the same header",
                        matched.toString()));
                table.add(row("request, unmatched: agent / no agent", unmatched.toString()));
            }
            if (what.contains("bridge")) {
                List<String> counts = quick ? List.of("1", "1000") : List.of("1", "100", "1000");
                StringBuilder unmatched = new StringBuilder();
                StringBuilder matched = new StringBuilder();
                for (String count : counts) {
                    Path config = Files.createTempFile("bridge-rules", ".json");
                    config.toFile().deleteOnExit();
                    Files.writeString(config, "{ \"rules\": " + BridgeBenchmark.rulesJson(servers.base(),
                            Integer.parseInt(count)) + " }\n");
                    Map<String, Double> bridge = jmh(servers, "-javaagent:" + agentJar + "=endpoint="
                            + servers.base() + "/token,config=" + config + ",log_level=warn", BridgeBenchmark.class,
                            quick, "rules", count);
                    unmatched.append(unmatched.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.0f",
                            bridge.get("unmatchedLookup " + count)));
                    matched.append(matched.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.0f",
                            bridge.get("matchedCacheHit " + count)));
                }
                String rules = String.join(" / ", counts);
                table.add(row("bridge (per request, in the instrumented client): unmatched rule lookup, with "
                        + rules + " rules", unmatched + " ns"));
                table.add(row("bridge: matched rule lookup plus the cached header value, with " + rules + " rules",
                        matched + " ns"));
            }
        }
        System.out.println();
        System.out.println("== token-agent benchmark summary (this machine, this run) ==");
        System.out.println();
        System.out.println("| what | this run |");
        System.out.println("|---|---|");
        table.forEach(System.out::println);
        System.out.println();
        System.out.printf(Locale.ROOT, "%s, JDK %s, %d cores%n", java.time.LocalDate.now(java.time.ZoneOffset.UTC),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    }

    private static final Map<String, String> CLIENT_NAMES = Map.of("urlConnection", "`HttpURLConnection`",
            "httpClient", "`HttpClient.send`", "httpClientAsync", "`sendAsync`", "reactorNetty", "Reactor Netty");

    private static String row(String what, String figures) {
        return "| " + what + " | " + figures + " |";
    }

    private static String both(String urlConnection, String httpClient) {
        return urlConnection + " `HttpURLConnection`, " + httpClient + " `java.net.http`";
    }

    private static String ratio(Map<String, long[]> medians, String mode, String base, int field) {
        return String.format(Locale.ROOT, "%.2f×", medians.get(mode)[field] / (double) medians.get(base)[field]);
    }

    private static String floors(Map<String, long[]> medians, int field) {
        return ratio(medians, StartupBenchmark.TRANSFORMER_FLOOR, StartupBenchmark.NONE, field) + " / "
                + ratio(medians, StartupBenchmark.REWRITE_FLOOR, StartupBenchmark.NONE, field);
    }

    private static String mibWithFloors(Map<String, long[]> medians) {
        return mib(medians) + " (" + mib(medians, StartupBenchmark.TRANSFORMER_FLOOR, StartupBenchmark.NONE) + " / "
                + mib(medians, StartupBenchmark.REWRITE_FLOOR, StartupBenchmark.NONE) + ")";
    }

    private static String mib(Map<String, long[]> medians) {
        return mib(medians, StartupBenchmark.AGENT, StartupBenchmark.NONE);
    }

    private static String mib(Map<String, long[]> medians, String mode, String base) {
        return String.format(Locale.ROOT, "%+.1f MiB", (medians.get(mode)[2] - medians.get(base)[2]) / 1024.0);
    }

    /** The agent's classes before main / by the end, and the JDK classes read from the runtime image beyond no agent's. */
    private static String classes(StartupBenchmark startup, String client, String mode) throws Exception {
        int[] agent = startup.classCounts(client, mode);
        int[] none = startup.classCounts(client, StartupBenchmark.NONE);
        return agent[0] + " / " + agent[1] + " (+" + (agent[2] - none[2]) + " JDK classes not from CDS)";
    }

    private static String millis(Map<String, long[]> medians) {
        long[] none = medians.get(StartupBenchmark.NONE);
        return none[0] + " / " + none[1] + " ms";
    }

    /**
     * Runs one benchmark class in forked JVMs, with the given {@code -javaagent} option or none, for the given
     * values of one parameter; returns "method value" to score.
     */
    private static Map<String, Double> jmh(LocalServers servers, String javaagent, Class<?> benchmark, boolean quick,
            String param, String... values) throws Exception {
        List<String> jvmArgs = new ArrayList<>(List.of("-Dbench.base=" + servers.base(), "-Xmx256m"));
        if (javaagent != null) {
            jvmArgs.add(javaagent);
        }
        ChainedOptionsBuilder options = new OptionsBuilder().include(benchmark.getName() + ".")
                .forks(1).warmupIterations(quick ? 2 : 3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 5).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend(jvmArgs.toArray(new String[0])).param(param, values);
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, Double> scores = new HashMap<>();
        for (RunResult result : results) {
            String method = result.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            scores.put(method + " " + result.getParams().getParam(param), result.getPrimaryResult().getScore());
        }
        return scores;
    }
}
