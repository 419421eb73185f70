package io.tokenagent.bench;

import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What instrumented code pays per request, in a JVM with the agent: the rule lookup for a matched and an
 * unmatched URL, and the header value from a cached token (the cache hit), with {@code rules} rules configured
 * ({@link #rulesJson}: the matched rule last, where a scan in order would find it last).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BridgeBenchmark {

    /** Must be the count the agent was started with (RunAll starts one run per count). */
    @Param({"1", "100", "1000"})
    public int rules;

    private String host;
    private int port;

    @Setup
    public void setUp() throws Exception {
        URI base = URI.create(System.getProperty("bench.base"));
        host = base.getHost();
        port = base.getPort();
        HeaderRule rule = TokenAgentBridge.match("http", host, port, "/api/x");
        if (rule == null || rule.headerValue("http", host, port) == null) {
            throw new IllegalStateException("run this with the agent attached and a rule for " + base + "/api");
        }
        if (rules > 1 && (TokenAgentBridge.match("https", fillerHost(rules - 2), -1, "/v1/x") == null
                || TokenAgentBridge.match("https", fillerHost(rules - 1), -1, "/v1/x") != null)) {
            throw new IllegalStateException("the agent was not started with " + rules + " rules");
        }
    }

    @Benchmark
    public Object unmatchedLookup() {
        return TokenAgentBridge.match("http", host, port, "/public/x");
    }

    @Benchmark
    public String matchedCacheHit() throws Exception {
        return TokenAgentBridge.match("http", host, port, "/api/x").headerValue("http", host, port);
    }

    /** A configuration file's {@code rules}: {@code count - 1} rules for other hosts, then the one for {@code /api}. */
    static String rulesJson(String base, int count) {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < count - 1; i++) {
            String match = i % 2 == 0 ? "https://" + fillerHost(i) : "https://*.svc-" + i + ".bench.example/v1";
            sb.append("  { \"match\": \"").append(match).append("\", \"resource\": \"https://bench.example\" },\n");
        }
        return sb.append("  { \"match\": \"").append(base).append("/api\", \"resource\": \"https://bench.example\" }\n]")
                .toString();
    }

    /** A host the filler rule {@code i} matches. */
    private static String fillerHost(int i) {
        return i % 2 == 0 ? "api-" + i + ".bench.example" : "x.svc-" + i + ".bench.example";
    }
}
