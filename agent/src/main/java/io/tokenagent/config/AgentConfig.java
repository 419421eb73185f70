package io.tokenagent.config;

import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** The agent's whole configuration, validated. Built by {@link ConfigLoader}. */
public final class AgentConfig {

    public static final String DEFAULT_ENDPOINT = "http://169.254.169.254/metadata/identity/oauth2/token";
    public static final String DEFAULT_API_VERSION = "2018-02-01";

    private final URI endpoint;
    private final SourceKind source;
    private final String apiVersion;
    private final OnFailure onFailure;
    private final LogLevel logLevel;
    private final LogFormat logFormat;
    private final long logStatsSeconds;
    private final boolean prefetch;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final long retryTimeoutMillis;
    private final long maxWaitMillis;
    private final List<Rule> rules;
    private final List<String> warnings;
    private final Map<String, String> origins;

    public AgentConfig(URI endpoint, SourceKind source, String apiVersion, OnFailure onFailure, LogLevel logLevel,
            LogFormat logFormat, long logStatsSeconds, boolean prefetch,
            int connectTimeoutMillis, int readTimeoutMillis, long retryTimeoutMillis, long maxWaitMillis,
            List<Rule> rules,
            List<String> warnings,
            Map<String, String> origins) {
        this.endpoint = endpoint;
        this.source = source;
        this.apiVersion = apiVersion;
        this.onFailure = onFailure;
        this.logLevel = logLevel;
        this.logFormat = logFormat;
        this.logStatsSeconds = logStatsSeconds;
        this.prefetch = prefetch;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        this.retryTimeoutMillis = retryTimeoutMillis;
        this.maxWaitMillis = maxWaitMillis;
        this.rules = Collections.unmodifiableList(rules);
        this.warnings = Collections.unmodifiableList(warnings);
        this.origins = Collections.unmodifiableMap(origins);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The agent's {@code source}: {@code IMDS} when an endpoint was given, {@code AUTO} by default. */
    public SourceKind source() {
        return source;
    }

    public String apiVersion() {
        return apiVersion;
    }

    public OnFailure onFailure() {
        return onFailure;
    }

    public LogLevel logLevel() {
        return logLevel;
    }

    public LogFormat logFormat() {
        return logFormat;
    }

    /** How often a line of the counters is logged at info, in seconds; 0: never. */
    public long logStatsSeconds() {
        return logStatsSeconds;
    }

    /** Whether every rule's token is fetched in the background at start. */
    public boolean prefetch() {
        return prefetch;
    }

    public int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    public int readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /** How long one token fetch may keep retrying before it gives up. */
    public long retryTimeoutMillis() {
        return retryTimeoutMillis;
    }

    /** The longest a request waits for a token before it takes the {@code on_failure} path. */
    public long maxWaitMillis() {
        return maxWaitMillis;
    }

    /** Legal but risky choices, logged as warnings at start (a token rule for plain http to another host). */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Where each option that was given came from, e.g. {@code endpoint -> agent argument endpoint} or
     * {@code rules -> environment variable TOKEN_AGENT_RULES}; options left at their default are absent.
     */
    public Map<String, String> origins() {
        return origins;
    }

    /** In configuration order: the first that matches a URL wins. */
    public List<Rule> rules() {
        return rules;
    }
}
