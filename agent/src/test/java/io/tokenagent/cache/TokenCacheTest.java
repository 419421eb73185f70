package io.tokenagent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenagent.config.Identity;
import io.tokenagent.token.AccessToken;
import io.tokenagent.token.EndpointGate;
import io.tokenagent.token.TokenException;
import io.tokenagent.config.TokenRequest;
import io.tokenagent.token.TokenSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenCacheTest {

    private static final TokenRequest KEY = TokenRequest.forResource("https://vault.azure.net", Identity.SYSTEM_ASSIGNED, null);
    private static final long HOUR = 3_600_000;
    private static final AtomicInteger THREAD_COUNT = new AtomicInteger();
    private static final ThreadFactory THREADS = task -> {
        Thread t = new Thread(task, "token-agent-test-" + THREAD_COUNT.incrementAndGet());
        t.setDaemon(true);
        return t;
    };

    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private final EndpointGate gate = new EndpointGate(now::get, System::nanoTime);
    private final FakeSource source = new FakeSource();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
        scheduler.shutdownNow();
    }

    /** Fetches on the caller's thread: every step of a test happens in order. */
    private TokenCache inline() {
        return new TokenCache(source, now::get, THREADS, Runnable::run, scheduler, 5000, gate);
    }

    private TokenCache threaded() {
        return new TokenCache(source, now::get, THREADS, pool, scheduler, 5000, gate);
    }

    private AccessToken token(String value, long lifetimeMillis) {
        return new AccessToken(value, now.get(), now.get() + lifetimeMillis, -1);
    }

    @Test
    void aValidTokenIsServedFromMemory() throws Exception {
        source.next(token("t1", HOUR));
        TokenCache cache = inline();
        AccessToken first = cache.get(KEY);
        now.addAndGet(30 * 60_000);
        assertSame(first, cache.get(KEY));
        assertSame(first, cache.getAsync(KEY).join());
        assertEquals(1, source.calls.get());
    }

    @Test
    void concurrentFirstRequestsCauseOneFetch() throws Exception {
        source.block = new CountDownLatch(1);
        source.next(token("shared", HOUR));
        TokenCache cache = threaded();
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            results.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                    return cache.get(KEY).value();
                } catch (Exception e) {
                    return e.toString();
                }
            }, pool));
        }
        start.countDown();
        Thread.sleep(200);
        source.block.countDown();
        for (CompletableFuture<String> result : results) {
            assertEquals("shared", result.get(5, TimeUnit.SECONDS));
        }
        assertEquals(1, source.calls.get());
    }

    @Test
    void refreshTimesFollowTheLifetime() {
        assertEquals(55 * 60_000, TokenCache.refreshAtMillis(new AccessToken("t", 0, HOUR, -1)), "1 h: 5 min early");
        assertEquals(90 * 60_000, TokenCache.refreshAtMillis(new AccessToken("t", 0, 3 * HOUR, -1)), "3 h: halfway");
        assertEquals(150_000, TokenCache.refreshAtMillis(new AccessToken("t", 0, 300_000, -1)), "5 min: halfway");
        assertEquals(2000, TokenCache.refreshAtMillis(new AccessToken("t", 0, 4000, -1)), "4 s: halfway");
        assertEquals(600_000, TokenCache.refreshAtMillis(new AccessToken("t", 0, 2 * HOUR, 600_000)), "refresh_in");
    }

    @Test
    void aRefreshHintIsClampedSoItCannotCauseARefreshStorm() {
        assertEquals(300_000, TokenCache.refreshAtMillis(new AccessToken("t", 0, HOUR, 1000)),
                "refresh_in 1 s on an hour's token: not before 5 min");
        assertEquals(300_000, TokenCache.refreshAtMillis(new AccessToken("t", 0, HOUR, 0)), "refresh_in 0");
        assertEquals(120_000, TokenCache.refreshAtMillis(new AccessToken("t", 0, 240_000, 1000)),
                "a 4 min token: not before half its lifetime");
        assertEquals(45 * 60_000, TokenCache.refreshAtMillis(new AccessToken("t", 0, HOUR, 2 * HOUR)),
                "and never later than three quarters of it");
    }

    @Test
    void refreshIsScheduledAheadOfExpiryWithALittleJitter() throws Exception {
        source.next(token("t1", HOUR));
        inline().get(KEY);
        long delay = scheduler.delays.get(0);
        assertTrue(delay <= 55 * 60_000 && delay >= 55 * 60_000 - 30_000, "delay " + delay);
    }

    @Test
    void backgroundRefreshReplacesTheTokenWithoutAnyRequestWaiting() throws Exception {
        source.next(token("t1", HOUR));
        TokenCache cache = inline();
        cache.get(KEY);
        now.addAndGet(55 * 60_000);
        source.next(token("t2", HOUR));
        scheduler.runNext();
        assertEquals("t2", cache.get(KEY).value());
        assertEquals(2, source.calls.get());
    }

    @Test
    void aFailedRefreshKeepsTheCurrentTokenUntilItIsNoLongerValid() throws Exception {
        source.next(token("t1", HOUR));
        TokenCache cache = inline();
        cache.get(KEY);
        now.addAndGet(55 * 60_000);
        source.fail(new TokenException("IMDS: HTTP 503", true));
        scheduler.runNext();
        assertEquals("t1", cache.get(KEY).value(), "stale while valid");
        assertEquals(30_000, scheduler.delays.get(1), "the refresh is retried");
        scheduler.runNext();
        assertEquals("t1", cache.get(KEY).value());
        now.addAndGet(5 * 60_000 - 9_999); // inside the 10 s margin before expiry
        TokenException e = assertThrows(TokenException.class, () -> cache.get(KEY));
        assertEquals("IMDS: HTTP 503", e.getMessage());
    }

    @Test
    void anExpiredTokenIsNeverReturned() throws Exception {
        source.next(token("t1", 100_000));
        TokenCache cache = inline();
        cache.get(KEY);
        now.addAndGet(100_000 - 10_000); // margin: a tenth of the lifetime
        source.next(token("t2", 100_000));
        assertEquals("t2", cache.get(KEY).value());
        assertEquals(2, source.calls.get());
    }

    @Test
    void aFailureHoldsTheKeyWithBackoffThenRetries() throws Exception {
        source.fail(new TokenException("IMDS: HTTP 400", false));
        TokenCache cache = inline();
        assertThrows(TokenException.class, () -> cache.get(KEY));
        now.addAndGet(400);
        TokenException fast = assertThrows(TokenException.class, () -> cache.get(KEY));
        assertEquals("no new attempt for 0.6 s: IMDS: HTTP 400", fast.getMessage());
        assertEquals(1, source.calls.get());
        now.addAndGet(600);
        assertThrows(TokenException.class, () -> cache.get(KEY));
        assertEquals(2, source.calls.get(), "held 1 s after the first failure");
        now.addAndGet(1999);
        assertThrows(TokenException.class, () -> cache.get(KEY));
        assertEquals(2, source.calls.get(), "2 s after the second");
        now.addAndGet(1);
        source.next(token("t1", HOUR));
        assertEquals("t1", cache.get(KEY).value());
        assertEquals(3, source.calls.get());
    }

    @Test
    void retryAfterHoldsTheKeyThatLongAndRequestsMeanwhileFailAtOnce() throws Exception {
        source.fail(new TokenException("IMDS: HTTP 429", true, null, 7000));
        TokenCache cache = inline();
        assertThrows(TokenException.class, () -> cache.get(KEY));
        now.addAndGet(6999);
        TokenException fast = assertThrows(TokenException.class, () -> cache.get(KEY));
        assertEquals("no new attempt for 0.0 s: IMDS: HTTP 429", fast.getMessage());
        assertTrue(fast.isRetryable());
        assertEquals(1, source.calls.get());
        now.addAndGet(1);
        source.next(token("t1", HOUR));
        assertEquals("t1", cache.get(KEY).value());
        assertEquals(2, source.calls.get());
    }

    @Test
    void aHoldSetDuringAFetchTurnsNewRequestsAwayWhileEarlierOnesWait() throws Exception {
        source.block = new CountDownLatch(1);
        source.next(token("later", HOUR));
        TokenCache cache = threaded();
        CompletableFuture<AccessToken> first = cache.getAsync(KEY);
        // What RetryingFetch does when the endpoint answers 429 and the fetch waits to try again.
        gate.hold(KEY, now.get() + 3000, new TokenException("IMDS: attempt 1 failed: HTTP 429", true));
        TokenException fast = assertThrows(TokenException.class, () -> cache.get(KEY));
        assertTrue(fast.getMessage().startsWith("no new attempt for 3.0 s: "), fast.getMessage());
        now.addAndGet(3000);
        source.block.countDown();
        assertEquals("later", first.get(5, TimeUnit.SECONDS).value());
        assertEquals("later", cache.get(KEY).value());
        assertEquals(1, source.calls.get());
    }

    @Test
    void aRefreshAskedToWaitKeepsTheTokenAndRetriesNoSooner() throws Exception {
        source.next(token("t1", HOUR));
        TokenCache cache = inline();
        cache.get(KEY);
        source.fail(new TokenException("IMDS: HTTP 503", true, null, 600_000));
        now.addAndGet(HOUR / 2);
        scheduler.runNext();
        assertEquals(2, source.calls.get());
        assertEquals("t1", cache.get(KEY).value(), "the valid token serves meanwhile");
        assertEquals(600_000, scheduler.delays.get(1), "retried no sooner than asked");
    }

    @Test
    void getAsyncNeverBlocksTheCaller() throws Exception {
        source.block = new CountDownLatch(1);
        source.next(token("later", HOUR));
        TokenCache cache = threaded();
        long start = System.nanoTime();
        CompletableFuture<AccessToken> future = cache.getAsync(KEY);
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(200));
        assertFalse(future.isDone());
        future.cancel(true); // a caller's cancel must not reach the fetch others share
        source.block.countDown();
        assertEquals("later", cache.getAsync(KEY).get(5, TimeUnit.SECONDS).value());
        assertEquals(1, source.calls.get());
    }

    @Test
    void remembersTheCurrentAndPreviousTokensItIssued() throws Exception {
        source.next(token("t1", HOUR));
        TokenCache cache = inline();
        cache.get(KEY);
        source.next(token("t2", HOUR));
        scheduler.runNext();
        assertTrue(cache.isIssued("t1") && cache.isIssued("t2"));
        source.next(token("t3", HOUR));
        scheduler.runNext();
        assertFalse(cache.isIssued("t1"));
        assertTrue(cache.isIssued("t2") && cache.isIssued("t3"));
        assertFalse(cache.isIssued("never"));
    }

    @Test
    void aTokenReturnedTwiceIsRememberedWhileItIsStillThePreviousOne() throws Exception {
        source.next(token("A", HOUR));
        TokenCache cache = inline();
        cache.get(KEY);
        source.next(token("A", HOUR));
        scheduler.runNext();
        source.next(token("B", HOUR));
        scheduler.runNext();
        assertTrue(cache.isIssued("A"), "A is the previous token: a request in flight may carry it");
        assertTrue(cache.isIssued("B"));
        source.next(token("C", HOUR));
        scheduler.runNext();
        assertFalse(cache.isIssued("A"));
    }

    @Test
    void anAsynchronousWaitEndsWithTheMaxWaitEvenIfTheSourceHangs() throws Exception {
        source.block = new CountDownLatch(1);
        source.next(token("t", HOUR));
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
        try {
            TokenCache cache = new TokenCache(source, now::get, THREADS, pool, timer, 300, gate);
            CompletableFuture<AccessToken> pending = cache.getAsync(KEY);
            ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
            assertEquals("fake: no token within 0.3 s (" + KEY + ")", e.getCause().getMessage());
        } finally {
            source.block.countDown();
            timer.shutdownNow();
        }
    }

    @Test
    void aWaitingCallerCanBeInterrupted() throws Exception {
        source.block = new CountDownLatch(1);
        source.next(token("t", HOUR));
        TokenCache cache = threaded();
        AtomicInteger outcome = new AtomicInteger();
        Thread caller = new Thread(() -> {
            try {
                cache.get(KEY);
            } catch (TokenException e) {
                outcome.set(Thread.currentThread().isInterrupted() ? 1 : 2);
            }
        });
        caller.start();
        Thread.sleep(100);
        caller.interrupt();
        caller.join(5000);
        assertEquals(1, outcome.get(), "TokenException with the interrupt flag kept");
        source.block.countDown();
    }

    @Test
    void noThreadStartsBeforeTheFirstToken() throws Exception {
        long before = agentThreads();
        source.next(token("t", HOUR));
        TokenCache cache = TokenCache.create(source, 5000, THREADS);
        assertEquals(before, agentThreads());
        assertEquals("t", cache.get(KEY).value());
        assertTrue(agentThreads() > before);
    }

    private static long agentThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("token-agent-")).count();
    }

    /** A token source the test scripts. */
    private static final class FakeSource implements TokenSource {
        final AtomicInteger calls = new AtomicInteger();
        volatile CountDownLatch block;
        private volatile Object next;

        void next(AccessToken token) {
            next = token;
        }

        void fail(TokenException e) {
            next = e;
        }

        @Override
        public AccessToken fetch(TokenRequest request) throws TokenException {
            calls.incrementAndGet();
            if (block != null) {
                try {
                    block.await();
                } catch (InterruptedException e) {
                    throw new TokenException("interrupted", true);
                }
            }
            Object result = next;
            if (result instanceof TokenException e) {
                throw e;
            }
            return (AccessToken) result;
        }

        @Override
        public String describe() {
            return "fake";
        }

        @Override
        public long maxFetchMillis() {
            return 1000;
        }


        @Override

        public String unsupported(TokenRequest request) {

            return null;

        }
    }

    /** Records scheduled refreshes; the test runs them when it decides the time has come. */
    private static final class ManualScheduler extends ScheduledThreadPoolExecutor {
        final List<Long> delays = new ArrayList<>();
        final List<Runnable> tasks = new ArrayList<>();

        ManualScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            delays.add(unit.toMillis(delay));
            tasks.add(command);
            return new Handle(command);
        }

        /** Cancelling takes the task off the list. */
        private final class Handle implements ScheduledFuture<Object> {
            private final Runnable task;

            Handle(Runnable task) {
                this.task = task;
            }

            @Override
            public boolean cancel(boolean mayInterrupt) {
                int i = tasks.indexOf(task);
                if (i < 0) {
                    return false;
                }
                tasks.remove(i);
                delays.remove(i);
                return true;
            }

            @Override
            public long getDelay(TimeUnit unit) {
                return 0;
            }

            @Override
            public int compareTo(Delayed other) {
                return 0;
            }

            @Override
            public boolean isCancelled() {
                return !tasks.contains(task);
            }

            @Override
            public boolean isDone() {
                return !tasks.contains(task);
            }

            @Override
            public Object get() {
                return null;
            }

            @Override
            public Object get(long timeout, TimeUnit unit) {
                return null;
            }
        }

        void runNext() {
            tasks.remove(0).run();
        }
    }

}
