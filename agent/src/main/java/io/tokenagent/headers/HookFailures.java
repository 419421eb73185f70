package io.tokenagent.headers;

import io.tokenagent.config.OnFailure;
import io.tokenagent.logging.Logs;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The bridge's failure channel: what a hook caught. One {@code warn} per hook and cause a minute, naming the
 * exception's class and where it was thrown, never its message (a client's message may quote a header's value);
 * under {@code on_failure=fail}, the error a matched request then fails with rather than go out bare.
 */
final class HookFailures {

    private static final Logger log = Logs.get(HookFailures.class);
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Hooks times causes is a small set; the bound only guards against a cause class made per request. */
    private static final int MAX_KEYS = 256;

    private final OnFailure onFailure;
    private final ConcurrentMap<String, Long> lastWarning = new ConcurrentHashMap<String, Long>();

    HookFailures(OnFailure onFailure) {
        this.onFailure = onFailure;
    }

    /** Logs (rate-limited) and returns the error to fail a matched request with, or null to let it go on. */
    IOException report(String hook, boolean matched, Throwable cause) {
        String what = describe(cause);
        boolean failing = matched && onFailure == OnFailure.FAIL;
        warnOnce(hook + ' ' + cause.getClass().getName(), "{}: the hook failed ({}); {} (this warning repeats at "
                + "most once a minute per hook and cause)", hook, what, failing
                ? "the request fails (on_failure=fail)" : "the request goes on as without the agent");
        return failing ? new IOException("token-agent: " + hook + " failed before the header was set (" + what + ")",
                cause) : null;
    }

    private void warnOnce(String key, String format, Object... args) {
        long now = System.nanoTime();
        Long last = lastWarning.get(key);
        if (last != null && now - last < WARNING_INTERVAL_NANOS) {
            return;
        }
        if (last == null ? lastWarning.size() < MAX_KEYS && lastWarning.putIfAbsent(key, now) == null
                : lastWarning.replace(key, last, now)) {
            log.warn(format, args);
        }
    }

    private static String describe(Throwable cause) {
        StackTraceElement[] trace = cause.getStackTrace();
        return cause.getClass().getName() + (trace.length == 0 ? "" : " at " + trace[0]);
    }
}
