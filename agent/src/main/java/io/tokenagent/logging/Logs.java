package io.tokenagent.logging;

import io.tokenagent.config.LogLevel;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.simple.SimpleServiceProvider;

/**
 * The agent's loggers: slf4j-simple, shaded with SLF4J itself, writing to stderr with every line prefixed
 * {@code token-agent:}.
 *
 * <p>The provider is created directly rather than through {@code LoggerFactory}: that skips a ServiceLoader scan
 * of the application's class path at start, and ignores the {@code slf4j.provider} property the application may
 * set for its own SLF4J. slf4j-simple reads its settings from system properties once, when it starts; we set
 * ours (their names are relocated with the library, so they never meet the application's) just for that moment.
 */
public final class Logs {

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private static volatile ILoggerFactory factory;

    private Logs() {
    }

    /** Starts logging at the given level; before this, loggers are created at slf4j-simple's default, info. */
    public static synchronized void configure(LogLevel level) {
        if (factory != null) {
            return;
        }
        String[][] settings = {
            {"defaultLogLevel", level.name().toLowerCase(java.util.Locale.ROOT)},
            {"logFile", "System.err"},
            {"showDateTime", "true"},
            // A date format that is all literal: the cheapest way to put our prefix first on every line.
            {"dateTimeFormat", "'token-agent:'"},
            {"showThreadName", "false"},
            {"showLogName", "false"},
            {"showShortLogName", "false"},
            {"levelInBrackets", "false"},
            {"cacheOutputStream", "false"},
        };
        String[] previous = new String[settings.length];
        for (int i = 0; i < settings.length; i++) {
            previous[i] = System.setProperty(PREFIX + settings[i][0], settings[i][1]);
        }
        try {
            SimpleServiceProvider provider = new SimpleServiceProvider();
            provider.initialize();
            factory = provider.getLoggerFactory();
        } finally {
            for (int i = 0; i < settings.length; i++) {
                if (previous[i] == null) {
                    System.clearProperty(PREFIX + settings[i][0]);
                } else {
                    System.setProperty(PREFIX + settings[i][0], previous[i]);
                }
            }
        }
    }

    public static Logger get(Class<?> owner) {
        if (factory == null) {
            configure(LogLevel.INFO);
        }
        return factory.getLogger(owner.getName());
    }
}
