package io.tokenagent.token;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before the next try at the token endpoint: exponential from 1 s, doubling to at most 16 s,
 * with up to 25 % jitter added (never less than the 1 s IMDS asks for between tries). Tests make it instant.
 */
public class Backoff {

    static final Backoff DEFAULT = new Backoff(1000, 16000);

    private final long firstMillis;
    private final long maxMillis;

    public Backoff(long firstMillis, long maxMillis) {
        this.firstMillis = firstMillis;
        this.maxMillis = maxMillis;
    }

    /** The delay after failed attempt number {@code attempt} (1-based). */
    long delayMillis(int attempt) {
        long base = Math.min(maxMillis, firstMillis << Math.min(attempt - 1, 20));
        return base + (long) (base * 0.25 * ThreadLocalRandom.current().nextDouble());
    }

    /** Waits; overridden by tests to record the delays instead. */
    void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
