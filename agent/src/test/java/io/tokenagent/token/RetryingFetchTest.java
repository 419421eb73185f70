package io.tokenagent.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryingFetchTest {

    private static final TokenRequest KEY =
            TokenRequest.forResource("https://vault.azure.net", Identity.SYSTEM_ASSIGNED, null);

    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private final AtomicLong nanos = new AtomicLong();
    private final List<Long> holdsSeenWhileWaiting = new ArrayList<>();
    private final EndpointGate gate = new EndpointGate(now::get, nanos::get) {
        @Override
        void sleepNanos(long n) {
            nanos.addAndGet(n);
        }
    };
    /** Waiting moves the clock; what the gate holds while the fetch waits is recorded. */
    private final Backoff backoff = new Backoff(1000, 16000) {
        @Override
        void sleep(long millis) {
            EndpointGate.Hold hold = gate.held(KEY, now.get());
            holdsSeenWhileWaiting.add(hold == null ? -1 : hold.untilMillis - now.get());
            now.addAndGet(millis);
            nanos.addAndGet(millis * 1_000_000);
        }
    };
    private final RetryingFetch retrying = new RetryingFetch(30_000, now::get, backoff, gate);

    @Test
    void whileTheFetchWaitsOutRetryAfterItsKeyIsHeld() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AccessToken token = retrying.fetch("IMDS", KEY, () -> {
            if (calls.incrementAndGet() == 1) {
                throw new AttemptFailure("HTTP 429", true, false, 3000);
            }
            assertEquals(EndpointGate.MAX_IN_FLIGHT - 1, gate.freePermits(), "the attempt holds a permit");
            return new AccessToken("t", now.get(), now.get() + 3_600_000, -1);
        });
        assertEquals("t", token.value());
        assertEquals(List.of(3000L), holdsSeenWhileWaiting);
        assertNull(gate.held(KEY, now.get()), "the hold ends when the next attempt may start");
        assertEquals(EndpointGate.MAX_IN_FLIGHT, gate.freePermits());
    }

    @Test
    void aRetryAfterBeyondTheBudgetEndsTheFetchAndIsPassedOn() {
        TokenException e = assertThrows(TokenException.class, () -> retrying.fetch("IMDS", KEY, () -> {
            throw new AttemptFailure("HTTP 429", true, false, 60_000);
        }));
        assertEquals(60_000, e.retryAfterMillis());
        assertTrue(e.isRetryable());
    }

    @Test
    void thePermitIsGivenBackWhenTheAttemptThrows() {
        assertThrows(IllegalStateException.class, () -> retrying.fetch("IMDS", KEY, () -> {
            throw new IllegalStateException("a bug in a parser");
        }));
        assertEquals(EndpointGate.MAX_IN_FLIGHT, gate.freePermits());
    }

    @Test
    void aRefusalIsNotHeldByTheFetch() {
        TokenException e = assertThrows(TokenException.class, () -> retrying.fetch("IMDS", KEY, () -> {
            throw new AttemptFailure("HTTP 400", false, false, 0);
        }));
        assertEquals(0, e.retryAfterMillis());
        assertNull(gate.held(KEY, now.get()));
    }
}
