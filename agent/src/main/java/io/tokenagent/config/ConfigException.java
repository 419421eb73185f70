package io.tokenagent.config;

/**
 * A configuration mistake. The message is one line, {@code <where>: <what>}: where names the source and the key
 * ({@code agent argument on_failure}, {@code /etc/rules.json: rules[2].client_id}), what says what is wrong and
 * what is allowed.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConfigException(String where, String what) {
        super(where + ": " + what);
    }
}
