package io.tokenagent.logging;

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

    private Logs() {
    }

    /** Sets the threshold for every logger, those already created included. */
    public static void configure(LogLevel threshold) {
        level = threshold;
    }

    static LogLevel level() {
        return level;
    }

    public static Logger get(Class<?> owner) {
        return new AgentLogger(owner.getName());
    }
}
