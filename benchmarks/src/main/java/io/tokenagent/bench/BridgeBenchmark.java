package io.tokenagent.bench;

import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What instrumented code pays per request, in a JVM with the agent: the rule lookup for a matched and an
 * unmatched URL, and the header value from a cached token (the cache hit).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BridgeBenchmark {

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
    }

    @Benchmark
    public Object unmatchedLookup() {
        return TokenAgentBridge.match("http", host, port, "/public/x");
    }

    @Benchmark
    public String matchedCacheHit() throws Exception {
        return TokenAgentBridge.match("http", host, port, "/api/x").headerValue("http", host, port);
    }
}
