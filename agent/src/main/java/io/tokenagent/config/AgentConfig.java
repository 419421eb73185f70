package io.tokenagent.config;

import java.net.URI;
import java.util.Collections;
import java.util.List;

/** The agent's whole configuration, validated. Built by {@link ConfigLoader}. */
public final class AgentConfig {

    public static final String DEFAULT_ENDPOINT = "http://169.254.169.254/metadata/identity/oauth2/token";
    public static final String DEFAULT_API_VERSION = "2018-02-01";

    private final URI endpoint;
    private final String apiVersion;
    private final OnFailure onFailure;
    private final LogLevel logLevel;
    private final boolean prefetch;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final long retryTimeoutMillis;
    private final List<Rule> rules;

    public AgentConfig(URI endpoint, String apiVersion, OnFailure onFailure, LogLevel logLevel, boolean prefetch,
            int connectTimeoutMillis, int readTimeoutMillis, long retryTimeoutMillis, List<Rule> rules) {
        this.endpoint = endpoint;
        this.apiVersion = apiVersion;
        this.onFailure = onFailure;
        this.logLevel = logLevel;
        this.prefetch = prefetch;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        this.retryTimeoutMillis = retryTimeoutMillis;
        this.rules = Collections.unmodifiableList(rules);
    }

    public URI endpoint() {
        return endpoint;
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

    /** Things worth a warning at start (PLACEHOLDER until the configuration work lands). */
    public List<String> warnings() {
        return Collections.emptyList();
    }

    /** In configuration order: the first that matches a URL wins. */
    public List<Rule> rules() {
        return rules;
    }
}
