package io.tokenagent.token;

import io.tokenagent.config.AgentConfig;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What every source is built from: the configuration, the environment it reads its endpoint and secrets from
 * (read again at each fetch where the platform rotates them), the clock, and the HTTP and retry machinery they
 * share. Tests give their own environment and clock.
 */
public final class SourceContext {

    private final AgentConfig config;
    private final Map<String, String> env;
    private final Function<String, String> systemProperties;
    private final LongSupplier clock;
    private final Backoff backoff;
    private final ResponseDeadline deadline;
    private final String chosenBy;
    private final EndpointGate gate;

    /**
     * @param threads for the one timer thread that cuts off responses past their deadline
     */
    public SourceContext(AgentConfig config, Map<String, String> env, Function<String, String> systemProperties,
            ThreadFactory threads) {
        this(config, env, systemProperties, SystemClock.INSTANCE, Backoff.DEFAULT, new ResponseDeadline(threads),
                null, EndpointGate.PROCESS);
    }

    /** For tests: a gate of their own, so that no test's holds or permits reach another's. */
    SourceContext(AgentConfig config, Map<String, String> env, Function<String, String> systemProperties,
            LongSupplier clock, Backoff backoff, ResponseDeadline deadline, String chosenBy) {
        this(config, env, systemProperties, clock, backoff, deadline, chosenBy,
                new EndpointGate(clock, EndpointGate.NANO_CLOCK));
    }

    private SourceContext(AgentConfig config, Map<String, String> env, Function<String, String> systemProperties,
            LongSupplier clock, Backoff backoff, ResponseDeadline deadline, String chosenBy, EndpointGate gate) {
        this.config = config;
        this.env = env;
        this.systemProperties = systemProperties;
        this.clock = clock;
        this.backoff = backoff;
        this.deadline = deadline;
        this.chosenBy = chosenBy;
        this.gate = gate;
    }

    /** The same context for a source chosen as {@code how} says, e.g. {@code IDENTITY_ENDPOINT, IDENTITY_HEADER}. */
    public SourceContext chosenBy(String how) {
        return new SourceContext(config, env, systemProperties, clock, backoff, deadline, how, gate);
    }

    /**
     * How the source was chosen, for {@link TokenSource#describe()}: {@code " (chosen by IDENTITY_ENDPOINT ...)"},
     * or empty when it was named.
     */
    String chosenBy() {
        return chosenBy == null ? "" : " (chosen by " + chosenBy + ")";
    }

    public AgentConfig config() {
        return config;
    }

    /** An environment variable, or null when unset or empty (the SDKs treat both alike). */
    public String env(String name) {
        String value = env.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /** A system property, or null. */
    public String systemProperty(String name) {
        return systemProperties.apply(name);
    }

    LongSupplier clock() {
        return clock;
    }

    /** One HTTP call with the configured timeouts and a whole-response deadline. */
    EndpointCall call() {
        return new EndpointCall(config.connectTimeoutMillis(), config.readTimeoutMillis(), deadline);
    }

    /** The configured retry budget. */
    RetryingFetch retrying() {
        return new RetryingFetch(config.retryTimeoutMillis(), clock, backoff, gate);
    }
}
