package io.tokenagent.config;

import java.util.Map;
import java.util.function.Function;

/** PLACEHOLDER: replaced by the configuration work. */
public final class ConfigLoader {
    public static AgentConfig load(String agentArgs, Function<String, String> systemProperty, Map<String, String> env)
            throws ConfigException {
        throw new UnsupportedOperationException("not yet written");
    }
}
