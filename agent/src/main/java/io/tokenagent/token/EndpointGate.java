package io.tokenagent.token;

import io.tokenagent.config.TokenRequest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What the whole process may ask of token endpoints. Managed-identity endpoints allow about 20 requests a second
 * and 5 at once per host, for all processes: every attempt of every source and key takes one of
 * {@value #MAX_IN_FLIGHT} permits and one of {@value #STARTS_PER_SECOND} starts a second, and gives the permit back
 * however it ends. While a fetch waits to try again after a 429, a 5xx or another failure worth retrying, it holds
 * its key here until {@code Retry-After} or the backoff has passed, and the cache, seeing its fetch in flight held,
 * answers the key's requests meanwhile at once rather than let them queue.
 */
public class EndpointGate {

    static final int MAX_IN_FLIGHT = 5;
    static final int STARTS_PER_SECOND = 20;

    static final LongSupplier NANO_CLOCK = new NanoClock();
    /** The one gate of the agent: the limits are the endpoint's, whatever source or cache asks. */
    public static final EndpointGate PROCESS = new EndpointGate(SystemClock.INSTANCE, NANO_CLOCK);

    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT, true);
    private final StartBucket starts;
    private final LongSupplier clock;
    private final ConcurrentHashMap<TokenRequest, Hold> holds = new ConcurrentHashMap<TokenRequest, Hold>();

    /**
     * @param clock epoch milliseconds, for holds
     * @param nanos a monotonic clock in nanoseconds, for the bucket
     */
    public EndpointGate(LongSupplier clock, LongSupplier nanos) {
        this.clock = clock;
        this.starts = new StartBucket(STARTS_PER_SECOND, nanos);
    }

    /**
     * Waits for a permit and a start until the deadline; a true answer must be followed by {@link #leave()}.
     *
     * @return false when the deadline passed first (nothing is held then)
     */
    boolean enter(long deadlineMillis) throws InterruptedException {
        if (!inFlight.tryAcquire(Math.max(0, deadlineMillis - clock.getAsLong()), TimeUnit.MILLISECONDS)) {
            return false;
        }
        boolean started = false;
        try {
            for (long wait; (wait = starts.take()) > 0; ) {
                if (clock.getAsLong() + TimeUnit.NANOSECONDS.toMillis(wait) > deadlineMillis) {
                    return false;
                }
                sleepNanos(wait);
            }
            started = true;
            return true;
        } finally {
            if (!started) {
                inFlight.release();
            }
        }
    }

    /** Gives back the permit {@link #enter} took. */
    void leave() {
        inFlight.release();
    }

    /** Permits free now, for tests. */
    int freePermits() {
        return inFlight.availablePermits();
    }

    /** The key's fetch in flight makes no new attempt before {@code untilMillis}; requests meanwhile learn why. */
    public void hold(TokenRequest key, long untilMillis, TokenException why) {
        holds.put(key, new Hold(untilMillis, why));
    }

    /** The key's hold if it lasts beyond {@code nowMillis}, else null (an ended hold is forgotten). */
    public Hold held(TokenRequest key, long nowMillis) {
        Hold hold = holds.get(key);
        if (hold == null) {
            return null;
        }
        if (nowMillis >= hold.untilMillis) {
            holds.remove(key, hold);
            return null;
        }
        return hold;
    }

    /** Waits for the bucket; tests record instead. */
    void sleepNanos(long nanos) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(nanos);
    }

    /** Until when a key is held, and the failure that held it. */
    public static final class Hold {
        public final long untilMillis;
        public final TokenException why;

        Hold(long untilMillis, TokenException why) {
            this.untilMillis = untilMillis;
            this.why = why;
        }
    }

    /** {@link System#nanoTime()}; a class rather than a method reference, which costs start-up time. */
    private static final class NanoClock implements LongSupplier {
        @Override
        public long getAsLong() {
            return System.nanoTime();
        }
    }
}
