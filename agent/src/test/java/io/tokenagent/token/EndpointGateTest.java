package io.tokenagent.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EndpointGateTest {

    private static final TokenRequest KEY =
            TokenRequest.forResource("https://vault.azure.net", Identity.SYSTEM_ASSIGNED, null);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);
    private final AtomicLong nanos = new AtomicLong(42);
    private final List<Long> slept = new ArrayList<>();
    /** Sleeping moves both fake clocks on: no test here waits. */
    private final EndpointGate gate = new EndpointGate(millis::get, nanos::get) {
        @Override
        void sleepNanos(long n) {
            slept.add(n / MS);
            nanos.addAndGet(n);
            millis.addAndGet(n / MS);
        }
    };

    @Test
    void startsAreSpacedToTwentyASecond() throws Exception {
        for (int i = 0; i < 40; i++) {
            assertTrue(gate.enter(millis.get() + 10_000));
            gate.leave();
        }
        assertEquals(39, slept.size(), "every start after the first waited: " + slept);
        assertTrue(slept.stream().allMatch(ms -> ms == 50), slept.toString());
        assertEquals(39 * 50, nanos.get() / MS);
    }

    @Test
    void aStartIsFreeAgainOnceTheIntervalHasPassed() throws Exception {
        assertTrue(gate.enter(millis.get()));
        gate.leave();
        nanos.addAndGet(50 * MS);
        assertTrue(gate.enter(millis.get()));
        gate.leave();
        assertEquals(List.of(), slept);
    }

    @Test
    void atMostFiveAtOnceAndTheSixthGivesUpAtItsDeadline() throws Exception {
        for (int i = 0; i < EndpointGate.MAX_IN_FLIGHT; i++) {
            nanos.addAndGet(50 * MS);
            assertTrue(gate.enter(millis.get() + 1000));
        }
        assertEquals(0, gate.freePermits());
        assertFalse(gate.enter(millis.get()), "no permit by the deadline");
        gate.leave();
        nanos.addAndGet(50 * MS);
        assertTrue(gate.enter(millis.get()), "a permit given back is taken again");
        for (int i = 0; i < EndpointGate.MAX_IN_FLIGHT; i++) {
            gate.leave();
        }
        assertEquals(EndpointGate.MAX_IN_FLIGHT, gate.freePermits());
    }

    @Test
    void aStartThatCannotComeByTheDeadlineGivesThePermitBack() throws Exception {
        assertTrue(gate.enter(millis.get()));
        gate.leave();
        assertFalse(gate.enter(millis.get() + 10), "the next start is 50 ms away");
        assertEquals(EndpointGate.MAX_IN_FLIGHT, gate.freePermits());
    }

    @Test
    void anInterruptWhileWaitingForAStartGivesThePermitBack() throws Exception {
        EndpointGate interrupted = new EndpointGate(millis::get, nanos::get) {
            @Override
            void sleepNanos(long n) throws InterruptedException {
                throw new InterruptedException();
            }
        };
        assertTrue(interrupted.enter(millis.get()));
        interrupted.leave();
        assertThrows(InterruptedException.class, () -> interrupted.enter(millis.get() + 1000));
        assertEquals(EndpointGate.MAX_IN_FLIGHT, interrupted.freePermits());
    }

    @Test
    void aHoldLastsUntilItsEndAndIsThenForgotten() {
        TokenException why = new TokenException("HTTP 429", true);
        gate.hold(KEY, millis.get() + 3000, why);
        assertSame(why, gate.held(KEY, millis.get() + 2999).why);
        assertNull(gate.held(KEY, millis.get() + 3000));
        assertNull(gate.held(KEY, millis.get()), "forgotten once over");
        assertNull(gate.held(TokenRequest.forResource("https://storage.azure.com", Identity.SYSTEM_ASSIGNED, null),
                millis.get()));
    }
}
