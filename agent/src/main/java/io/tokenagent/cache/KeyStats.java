package io.tokenagent.cache;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What happened to one cache key's tokens and to the requests that used them, for JMX and the stats line.
 * Counters only: incrementing one is a single atomic add on the request path.
 */
public final class KeyStats {

    final AtomicLong fetches = new AtomicLong();
    final AtomicLong fetchFailures = new AtomicLong();
    final AtomicLong backgroundRefreshes = new AtomicLong();
    private final AtomicLong injected = new AtomicLong();
    private final AtomicLong failedRequests = new AtomicLong();
    private final AtomicLong sentWithoutToken = new AtomicLong();
    private volatile String lastError;

    /** A request went out with the agent's header. */
    public void requestInjected() {
        injected.incrementAndGet();
    }

    /** A request was withheld and failed for want of a token ({@code on_failure=fail}). */
    public void requestFailed() {
        failedRequests.incrementAndGet();
    }

    /** A request went out without the header for want of a token ({@code on_failure=proceed}). */
    public void requestSentWithoutToken() {
        sentWithoutToken.incrementAndGet();
    }

    void failed(String message) {
        fetchFailures.incrementAndGet();
        lastError = message;
    }

    public long tokenFetches() {
        return fetches.get();
    }

    public long fetchFailures() {
        return fetchFailures.get();
    }

    public long backgroundRefreshes() {
        return backgroundRefreshes.get();
    }

    public long requestsInjected() {
        return injected.get();
    }

    public long requestsFailed() {
        return failedRequests.get();
    }

    public long requestsSentWithoutToken() {
        return sentWithoutToken.get();
    }

    /** The last fetch failure's message (which never holds a secret), or null. */
    public String lastError() {
        return lastError;
    }
}
