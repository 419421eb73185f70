package io.tokenagent.cache;

import io.tokenagent.logging.Durations;
import io.tokenagent.logging.Logs;
import io.tokenagent.token.AccessToken;
import io.tokenagent.token.EndpointGate;
import io.tokenagent.token.SystemClock;
import io.tokenagent.token.TokenException;
import io.tokenagent.config.TokenRequest;
import io.tokenagent.token.TokenSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Tokens per {@link TokenRequest}: served from memory while valid, fetched once however many callers ask, and
 * refreshed in the background ahead of expiry.
 *
 * <ul>
 *   <li>A hit is a map lookup, a volatile read and a clock read: no lock, no allocation.</li>
 *   <li>Fetches run on the agent's own threads (so the HTTP call is never intercepted, and a caller that gives up
 *       waiting abandons nothing half-done). Callers join the one fetch in flight for their key.</li>
 *   <li>A failed refresh leaves the current token in service until it is about to expire; the refresh is retried
 *       with backoff, never sooner than the endpoint asked. A failed fetch holds its key until {@code Retry-After}
 *       or the backoff has passed, and so does a fetch in flight while it waits to try again (it tells the
 *       {@link EndpointGate}): requests meanwhile get the valid token there is or, with none, the failure at once,
 *       so that a stream of requests neither starts a stream of fetches nor piles up waiting.</li>
 *   <li>No thread starts before the first token is asked for.</li>
 * </ul>
 */
public final class TokenCache {

    private static final Logger log = Logs.get(TokenCache.class);

    /** The shortest hold after a failed fetch: a stream of requests must not become a stream of fetches. */
    static final long MIN_FAILURE_HOLD_MILLIS = 1000;
    static final long MAX_MARGIN_MILLIS = 10000;
    private static final long LONG_LIVED_MILLIS = TimeUnit.HOURS.toMillis(2);
    private static final long REFRESH_BEFORE_EXPIRY_MILLIS = TimeUnit.MINUTES.toMillis(5);
    private static final long MAX_JITTER_MILLIS = 30000;
    private static final long REFRESH_RETRY_MILLIS = 30000;
    /** The earliest an endpoint's {@code refresh_in} may ask for a refresh (less for tokens living under 10 min). */
    static final long MIN_REFRESH_IN_MILLIS = TimeUnit.MINUTES.toMillis(5);

    private final TokenSource source;
    private final LongSupplier clock;
    private final long maxWaitMillis;
    private final EndpointGate gate;
    private final ConcurrentHashMap<TokenRequest, Entry> entries = new ConcurrentHashMap<TokenRequest, Entry>();
    private final ThreadFactory threads;
    private Executor fetchExecutor;
    private ScheduledExecutorService scheduler;
    private volatile KeyListener listener;
    /**
     * How long after a key's first fetch its listener hears of it. Publishing starts the platform MBean server,
     * hundreds of classes and megabytes: a short-lived JVM (a batch job, a command-line tool) ends before then and
     * never pays for it; a service has its beans seconds after its first request.
     */
    static final long ANNOUNCE_DELAY_MILLIS = 5000;

    /** Told of each key once, on an agent thread, a while after its first fetch: where JMX beans are registered. */
    public interface KeyListener {
        void firstFetched(TokenCache cache, TokenRequest key);
    }

    /**
     * For tests: executors may be given; null ones are created, lazily, as in production.
     *
     * @param threads makes the fetch and timer threads (the agent's own, so their calls are never intercepted)
     */
    TokenCache(TokenSource source, LongSupplier clock, ThreadFactory threads, Executor fetchExecutor,
            ScheduledExecutorService scheduler, long maxWaitMillis, EndpointGate gate) {
        this.source = source;
        this.gate = gate;
        this.clock = clock;
        this.threads = threads;
        this.fetchExecutor = fetchExecutor;
        this.scheduler = scheduler;
        this.maxWaitMillis = maxWaitMillis;
    }

    /**
     * @param maxWaitMillis the longest a request waits for a fetch: the source's own bound (its retry budget and
     *     one call's timeouts) plus a margin, so that this is a safety net, never the usual way a fetch ends
     */
    public static TokenCache create(TokenSource source, long maxWaitMillis, ThreadFactory threads) {
        return new TokenCache(source, SystemClock.INSTANCE, threads, null, null, maxWaitMillis,
                EndpointGate.PROCESS);
    }

    /**
     * A valid token for the key: at once from memory, or after the one fetch in flight, waiting at most the max wait.
     */
    public AccessToken get(TokenRequest key) throws TokenException {
        Entry entry = entry(key);
        AccessToken token = entry.current;
        if (token != null && isValid(token, clock.getAsLong())) {
            return token;
        }
        CompletableFuture<AccessToken> pending = entry.fetchIfNeeded();
        try {
            return pending.get(maxWaitMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw asTokenException(e.getCause(), key);
        } catch (TimeoutException e) {
            throw waitedTooLong(key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("interrupted while waiting for a token (" + key + ")", true);
        }
    }

    /** The same without blocking: a completed future on a hit; otherwise one that completes with the fetch. */
    public CompletableFuture<AccessToken> getAsync(TokenRequest key) {
        Entry entry = entry(key);
        AccessToken token = entry.current;
        if (token != null && isValid(token, clock.getAsLong())) {
            return CompletableFuture.completedFuture(token);
        }
        // A copy: callers must not be able to complete or cancel the future every waiter shares.
        final CompletableFuture<AccessToken> copy = new CompletableFuture<AccessToken>();
        CompletableFuture<AccessToken> pending = entry.fetchIfNeeded();
        final ScheduledFuture<?> timeout = pending.isDone() ? null : scheduler().schedule(new Runnable() {
            @Override
            public void run() {
                copy.completeExceptionally(waitedTooLong(key));
            }
        }, maxWaitMillis, TimeUnit.MILLISECONDS);
        pending.whenComplete(new BiConsumer<AccessToken, Throwable>() {
            @Override
            public void accept(AccessToken result, Throwable error) {
                if (timeout != null) {
                    timeout.cancel(false);
                }
                if (error == null) {
                    copy.complete(result);
                } else {
                    copy.completeExceptionally(error);
                }
            }
        });
        return copy;
    }

    private TokenException waitedTooLong(TokenRequest key) {
        return new TokenException(source.describe() + ": no token within " + Durations.seconds(maxWaitMillis) + " ("
                + key + ")", true);
    }

    /** Starts fetching the key's token in the background unless a valid one is cached. */
    public void prefetch(TokenRequest key) {
        entry(key).fetchIfNeeded();
    }

    /**
     * Whether this value is a token the cache handed out and still remembers: any entry's current or previous one.
     * Asked only when a request carrying the header goes to a URL that must not have it, so a walk over the few
     * entries (one per resource and identity) costs nothing that matters, and nothing needs keeping in step.
     */
    public boolean isIssued(String tokenValue) {
        for (Entry entry : entries.values()) {
            if (entry.holds(tokenValue)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Drops the key's token when it is still {@code tokenValue} (a resource has just refused it) and starts fetching
     * a new one that bypasses the endpoint's own cache; requests then wait for it as for a first token.
     *
     * @return whether the token was dropped: false when the cache had already moved on to another
     */
    public boolean invalidate(TokenRequest key, String tokenValue) {
        return entry(key).invalidate(tokenValue);
    }

    /** Set before the first request (the listener sees only keys fetched after it). */
    public void setKeyListener(KeyListener listener) {
        this.listener = listener;
    }

    /** The key's statistics (its entry is made if it has none yet, so a caller may keep them). */
    public KeyStats stats(TokenRequest key) {
        return entry(key).stats;
    }

    /** Every key's statistics, for totals. */
    public java.util.List<KeyStats> allStats() {
        java.util.List<KeyStats> all = new java.util.ArrayList<KeyStats>();
        for (Entry entry : entries.values()) {
            all.add(entry.stats);
        }
        return all;
    }

    /** The key's current token (possibly expired), or null. */
    public AccessToken current(TokenRequest key) {
        Entry entry = entries.get(key);
        return entry == null ? null : entry.current;
    }

    /** Where the tokens come from, for names and messages. */
    public String sourceDescription() {
        return source.describe();
    }

    static long marginMillis(AccessToken token) {
        return Math.min(MAX_MARGIN_MILLIS, token.lifetimeMillis() / 10);
    }

    static boolean isValid(AccessToken token, long now) {
        return now < token.expiresAtMillis() - marginMillis(token);
    }

    /** When to refresh a token just obtained, before jitter; see the class comment. */
    static long refreshAtMillis(AccessToken token) {
        long lifetime = token.lifetimeMillis();
        if (token.refreshInMillis() >= 0) {
            // The endpoint's advice, within reason: a hint of 1 s on an hour's token must not become a refresh storm.
            long floor = Math.min(MIN_REFRESH_IN_MILLIS, lifetime / 2);
            return token.obtainedAtMillis() + Math.min(Math.max(token.refreshInMillis(), floor),
                    lifetime / 2 + lifetime / 4);
        }
        long half = token.obtainedAtMillis() + lifetime / 2;
        if (lifetime >= LONG_LIVED_MILLIS) {
            return half;
        }
        return Math.max(token.expiresAtMillis() - REFRESH_BEFORE_EXPIRY_MILLIS, half);
    }

    private static long jitterMillis(AccessToken token) {
        long max = Math.min(token.lifetimeMillis() / 20, MAX_JITTER_MILLIS);
        return max <= 0 ? 0 : ThreadLocalRandom.current().nextLong(max + 1);
    }

    private Entry entry(TokenRequest key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            Entry created = new Entry(key);
            entry = entries.putIfAbsent(key, created);
            if (entry == null) {
                entry = created;
            }
        }
        return entry;
    }

    private synchronized Executor fetchExecutor() {
        if (fetchExecutor == null) {
            fetchExecutor = Executors.newCachedThreadPool(threads);
        }
        return fetchExecutor;
    }

    private synchronized ScheduledExecutorService scheduler() {
        if (scheduler == null) {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, threads);
            executor.setRemoveOnCancelPolicy(true);
            scheduler = executor;
        }
        return scheduler;
    }

    private static TokenException asTokenException(Throwable cause, TokenRequest key) {
        if (cause instanceof TokenException) {
            return (TokenException) cause;
        }
        return new TokenException("token fetch failed for " + key + ": " + cause, false, cause);
    }

    /** One key's token, the fetch in flight for it, and what the last failure was. */
    private final class Entry {
        final TokenRequest key;
        volatile AccessToken current;
        private volatile AccessToken previous;
        private CompletableFuture<AccessToken> inflight;
        private int refreshFailures;
        /** Failed fetches in a row with no valid token, for the backoff of the hold. */
        private int failures;
        /** No new fetch before this, after the failure that set it (null when the key is not held). */
        private TokenException heldBy;
        private long heldUntil;
        final KeyStats stats = new KeyStats();
        private boolean announced;

        Entry(TokenRequest key) {
            this.key = key;
        }

        /** The fetch in flight, a new one, a completed future for a valid token, or the remembered failure. */
        synchronized CompletableFuture<AccessToken> fetchIfNeeded() {
            long now = clock.getAsLong();
            if (current != null && isValid(current, now)) {
                return CompletableFuture.completedFuture(current);
            }
            if (inflight != null) {
                // A fetch waiting out a Retry-After (or its backoff) takes no new waiters.
                EndpointGate.Hold hold = gate.held(key, now);
                return hold == null ? inflight : held(hold.untilMillis - now, hold.why);
            }
            if (heldBy != null && now < heldUntil) {
                return held(heldUntil - now, heldBy);
            }
            return startFetch(false);
        }

        private CompletableFuture<AccessToken> held(long millisLeft, TokenException why) {
            CompletableFuture<AccessToken> failed = new CompletableFuture<AccessToken>();
            failed.completeExceptionally(new TokenException("no new attempt for " + Durations.seconds(millisLeft) + ": "
                    + why.getMessage(), why.isRetryable(), why));
            return failed;
        }

        boolean holds(String tokenValue) {
            AccessToken c = current;
            AccessToken p = previous;
            return c != null && c.value().equals(tokenValue) || p != null && p.value().equals(tokenValue);
        }

        /** Called by the refresh timer: a fetch unless one is in flight already. */
        synchronized void refresh() {
            if (inflight == null) {
                stats.backgroundRefreshes.incrementAndGet();
                startFetch(false);
            }
        }

        synchronized boolean invalidate(String tokenValue) {
            AccessToken c = current;
            if (c == null || !c.value().equals(tokenValue)) {
                return false;
            }
            previous = c; // still known as the agent's, so that a redirect hop can take it off
            current = null;
            // A key the endpoint asked to leave alone (Retry-After) stays held; the first request after it fetches.
            if (inflight == null && (heldBy == null || clock.getAsLong() >= heldUntil)) {
                startFetch(true);
            }
            return true;
        }

        private CompletableFuture<AccessToken> startFetch(final boolean bypassCache) {
            final CompletableFuture<AccessToken> fetch = new CompletableFuture<AccessToken>();
            inflight = fetch;
            fetchExecutor().execute(new Runnable() {
                @Override
                public void run() {
                    fetch(fetch, bypassCache);
                }
            });
            return fetch;
        }

        private void fetch(CompletableFuture<AccessToken> fetch, boolean bypassCache) {
            AccessToken token;
            stats.fetches.incrementAndGet();
            try {
                token = bypassCache ? source.fetchBypassingCache(key) : source.fetch(key);
            } catch (Throwable t) {
                failed(fetch, asTokenException(t, key));
                return;
            }
            boolean first;
            synchronized (this) {
                first = current == null && previous == null;
                if (current != null) {
                    previous = current; // else the token was dropped (invalidate), and is the previous one still
                }
                current = token;
                inflight = null;
                refreshFailures = 0;
                failures = 0;
                heldBy = null;
            }
            // Waiting requests go first; the log line (its fingerprint is a SHA-256) and the timer come after.
            fetch.complete(token);
            long refreshAt = refreshAtMillis(token) - jitterMillis(token);
            if (first) {
                log.info("token for {}: expires in {}, {}", key,
                        Durations.seconds(token.lifetimeMillis()), token.fingerprintForLog());
            } else {
                log.debug("refreshed token for {}: expires in {}, {}", key,
                        Durations.seconds(token.lifetimeMillis()), token.fingerprintForLog());
            }
            scheduleRefresh(refreshAt - clock.getAsLong());
            announce();
        }

        private void failed(CompletableFuture<AccessToken> fetch, TokenException error) {
            long now = clock.getAsLong();
            stats.failed(error.getMessage());
            AccessToken stillValid;
            int failures;
            synchronized (this) {
                stillValid = current != null && isValid(current, now) ? current : null;
                failures = stillValid == null ? ++this.failures : ++refreshFailures;
                // Before the fetch is over, so that no request starts another before the hold is in place. With a
                // valid token only what the endpoint asked for: the token serves meanwhile, the retry timer waits.
                long hold = stillValid != null ? error.retryAfterMillis()
                        : Math.max(error.retryAfterMillis(), MIN_FAILURE_HOLD_MILLIS << Math.min(failures - 1, 4));
                if (hold > 0) {
                    heldBy = error;
                    heldUntil = now + hold;
                }
                inflight = null;
            }
            if (stillValid != null) {
                long timeLeft = stillValid.expiresAtMillis() - marginMillis(stillValid) - now;
                long delay = Math.max(error.retryAfterMillis(), Math.max(1000,
                        Math.min(REFRESH_RETRY_MILLIS << Math.min(failures - 1, 10), timeLeft / 2)));
                if (failures == 1) {
                    log.warn("could not refresh the token for {}; the current one ({}) stays in use for {} more; "
                            + "trying again in {}: {}", key, stillValid.fingerprintForLog(),
                            Durations.seconds(timeLeft), Durations.seconds(delay), error.getMessage());
                } else {
                    log.debug("refresh {} for {} failed; trying again in {}: {}", failures, key,
                            Durations.seconds(delay), error.getMessage());
                }
                scheduleRefresh(delay);
            } else {
                log.warn("no token for {}: {}", key, error.getMessage());
            }
            fetch.completeExceptionally(error);
            announce();
        }

        /** Once per key, after its first fetch has released the requests waiting for it. */
        private void announce() {
            final KeyListener l = listener;
            synchronized (this) {
                if (announced || l == null) {
                    return;
                }
                announced = true;
            }
            scheduler().schedule(new Runnable() {
                @Override
                public void run() {
                    try {
                        l.firstFetched(TokenCache.this, key);
                    } catch (RuntimeException e) {
                        log.warn("could not publish the statistics of {}: {}", key, e.toString());
                    }
                }
            }, ANNOUNCE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }

        private void scheduleRefresh(long delayMillis) {
            scheduler().schedule(new Runnable() {
                @Override
                public void run() {
                    refresh();
                }
            }, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        }
    }
}
