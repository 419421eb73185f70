package io.tokenagent.config;

/** PLACEHOLDER: replaced by the configuration work. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
