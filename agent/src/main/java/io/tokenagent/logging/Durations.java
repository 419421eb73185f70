package io.tokenagent.logging;

/**
 * Durations for messages, as {@code 12.3 s}. Not {@code String.format}: its first use loads the locale data,
 * milliseconds the agent's start-up need not spend.
 */
public final class Durations {

    private Durations() {
    }

    public static String seconds(long millis) {
        long tenths = Math.round(millis / 100.0);
        return (tenths < 0 ? "-" : "") + Math.abs(tenths) / 10 + "." + Math.abs(tenths) % 10 + " s";
    }
}
