package io.tokenagent.logging;

import io.tokenagent.config.LogFormat;
import io.tokenagent.config.LogLevel;
import java.io.PrintStream;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Writes {@code token-agent: LEVEL message} lines to the current {@code System.err}. A throwable is shown by its
 * {@code toString()}, never as a stack trace: operators read these lines, and stack traces bury them.
 */
final class AgentLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    AgentLogger(String name) {
        this.name = name;
    }

    private static boolean enabled(LogLevel at) {
        LogLevel threshold = Logs.level();
        return threshold != LogLevel.OFF && at.ordinal() <= threshold.ordinal();
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(LogLevel.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(LogLevel.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(LogLevel.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(LogLevel.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
            Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        PrintStream err = System.err;
        if (Logs.format() == LogFormat.JSON) {
            err.println(JsonLine.of(level.name(), pattern, arguments, message, throwable));
            return;
        }
        StringBuilder line = new StringBuilder(128).append("token-agent: ").append(level.name()).append(' ')
                .append(message);
        if (throwable != null) {
            line.append(": ").append(throwable);
        }
        err.println(line);
    }
}
