package io.tokenagent.token;

import io.tokenagent.config.TokenRequest;
import io.tokenagent.logging.Durations;
import io.tokenagent.logging.Logs;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The retry budget of one token fetch, shared by every source: attempts with backoff while the budget lasts, the
 * last one at its end, so that the whole fetch takes at most the budget plus one attempt. An endpoint that says it
 * is updating (410) is tried for at least {@value #GONE_RETRY_MILLIS} ms; a {@code Retry-After} longer than what
 * is left ends the fetch at once rather than ignore it. Each attempt goes through the process's {@link EndpointGate},
 * and while the fetch waits to try again its key is held there, so that requests meanwhile are answered at once.
 */
final class RetryingFetch {

    private static final Logger log = Logs.get(RetryingFetch.class);
    /** IMDS answers 410 while it updates, "available within 70 seconds": keep trying at least that long. */
    static final long GONE_RETRY_MILLIS = 70000;
    static final long LAST_SLOT_WAIT_MILLIS = 1000;

    /** One try at the endpoint. */
    interface Attempt {
        AccessToken run() throws TokenException;
    }

    private final long budgetMillis;
    private final LongSupplier clock;
    private final Backoff backoff;
    private final EndpointGate gate;

    RetryingFetch(long budgetMillis, LongSupplier clock, Backoff backoff, EndpointGate gate) {
        this.budgetMillis = budgetMillis;
        this.clock = clock;
        this.backoff = backoff;
        this.gate = gate;
    }

    /** The latest the last attempt can start, from the start of the fetch. */
    long maxMillis() {
        return Math.max(budgetMillis, GONE_RETRY_MILLIS);
    }

    /**
     * @param endpoint the source's description, for messages
     * @throws TokenException naming the endpoint, how often it was tried, the last cause and the request
     */
    AccessToken fetch(String endpoint, TokenRequest request, Attempt attempt) throws TokenException {
        long start = clock.getAsLong();
        long deadline = start + budgetMillis;
        for (int n = 1; ; n++) {
            TokenException failure;
            try {
                return attemptThroughGate(attempt, deadline);
            } catch (TokenException e) {
                failure = e;
            }
            AttemptFailure transientFailure = failure instanceof AttemptFailure ? (AttemptFailure) failure : null;
            if (transientFailure != null && transientFailure.gone) {
                deadline = Math.max(deadline, start + GONE_RETRY_MILLIS);
            }
            long retryAfter = transientFailure == null ? 0 : transientFailure.retryAfterMillis;
            long now = clock.getAsLong();
            if (!failure.isRetryable() || now >= deadline || now + retryAfter > deadline) {
                String tries = n == 1 ? "" : "gave up after " + n + " attempts in " + Durations.seconds(now - start)
                        + ": ";
                // Not before what the endpoint asked, nor sooner than the next backoff would have waited.
                long notBefore = failure.isRetryable() ? Math.max(retryAfter, backoff.delayMillis(n)) : 0;
                throw new TokenException(endpoint + ": " + tries + failure.getMessage() + " (" + request + ")",
                        failure.isRetryable(), failure.getCause(), notBefore);
            }
            long delay = Math.min(Math.max(backoff.delayMillis(n), retryAfter), deadline - now);
            gate.hold(request, now + delay, new TokenException(endpoint + ": attempt " + n + " failed: "
                    + failure.getMessage() + "; next attempt in " + Durations.seconds(delay) + " (" + request + ")",
                    true));
            log.debug("{}: attempt {} failed ({}); trying again in {} ms", endpoint, n, failure.getMessage(), delay);
            try {
                backoff.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TokenException(endpoint + ": interrupted while waiting to retry (" + request + ")", true);
            }
        }
    }

    /**
     * One attempt with a permit of the gate, waiting for one until the end of the budget (the last attempt, made at
     * its end, still gets {@value #LAST_SLOT_WAIT_MILLIS} ms); the permit goes back however the attempt ends.
     */
    private AccessToken attemptThroughGate(Attempt attempt, long deadline) throws TokenException {
        try {
            if (!gate.enter(Math.max(deadline, clock.getAsLong() + LAST_SLOT_WAIT_MILLIS))) {
                throw AttemptFailure.transientFailure("no free slot for a token request within the retry budget ("
                        + EndpointGate.MAX_IN_FLIGHT + " at once and " + EndpointGate.STARTS_PER_SECOND
                        + " a second for the whole process)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("interrupted while waiting for a free slot for a token request", true);
        }
        try {
            return attempt.run();
        } finally {
            gate.leave();
        }
    }
}
