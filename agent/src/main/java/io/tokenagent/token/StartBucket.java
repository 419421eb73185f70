package io.tokenagent.token;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket of starts holding one: starts at least 1/rate apart, so that no second sees more than the rate
 * (a bigger bucket would let a burst come on top of it). Callers are the few holders of an in-flight permit, so a
 * lock costs nothing that matters.
 */
final class StartBucket {

    private final long nanosPerStart;
    private final LongSupplier nanos;
    /** The earliest the next start may be. */
    private long next;

    StartBucket(int perSecond, LongSupplier nanos) {
        this.nanosPerStart = TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.nanos = nanos;
        this.next = nanos.getAsLong();
    }

    /** Takes a start and returns 0, or takes nothing and returns how long until one is free. */
    synchronized long take() {
        long now = nanos.getAsLong();
        if (now - next < 0) {
            return next - now;
        }
        next = now + nanosPerStart;
        return 0;
    }
}
