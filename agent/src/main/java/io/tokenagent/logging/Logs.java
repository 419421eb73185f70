package io.tokenagent.logging;

import io.tokenagent.config.LogFormat;
import io.tokenagent.config.LogLevel;
import org.slf4j.Logger;

/**
 * The agent's loggers: the SLF4J API (shaded), written to stderr by {@link AgentLogger}, every line starting
 * {@code token-agent:}.
 *
 * <p>Why not slf4j-simple behind it: starting it cost about 40 ms of every JVM start (its configuration runs the
 * first lambdas, and a date format was the only way to put our prefix first, which loads the locale data), close
 * to half of the agent's start-up budget. The few lines a logger needs are written here instead.
 */
public final class Logs {

    private static volatile LogLevel level = LogLevel.INFO;
    private static volatile LogFormat format = LogFormat.TEXT;

    private Logs() {
    }

    /** Sets the threshold and the format for every logger, those already created included. */
    public static void configure(LogLevel threshold, LogFormat lineFormat) {
        level = threshold;
        format = lineFormat;
    }

    static LogFormat format() {
        return format;
    }

    /**
     * A line the agent writes outside a logger (a configuration error before {@code main}), in the format asked
     * for: the configuration that names the format may be the very thing that is wrong, so {@code json} counts when
     * it is given anywhere.
     */
    public static String line(String level, String message, boolean json) {
        return json ? JsonLine.of(level, message, null, message, null) : "token-agent: " + message;
    }

    static LogLevel level() {
        return level;
    }

    public static Logger get(Class<?> owner) {
        return new AgentLogger(owner.getName());
    }
}
