package io.tokenagent.metrics;

import io.tokenagent.cache.KeyStats;
import io.tokenagent.cache.TokenCache;
import io.tokenagent.logging.Logs;
import java.util.Collection;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/** {@code log_stats=<s>}: one line of the counters, every s seconds, at info. */
public final class StatsLine implements Runnable {

    private static final Logger log = Logs.get(StatsLine.class);

    private final Collection<TokenCache> caches;

    private StatsLine(Collection<TokenCache> caches) {
        this.caches = caches;
    }

    /** Starts the line's own daemon timer: asked for explicitly, so it may run from the start. */
    public static void start(Collection<TokenCache> caches, long seconds, ThreadFactory threads) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, threads);
        timer.scheduleAtFixedRate(new StatsLine(caches), seconds, seconds, TimeUnit.SECONDS);
    }

    @Override
    public void run() {
        long keys = 0;
        long injected = 0;
        long failed = 0;
        long withoutToken = 0;
        long fetches = 0;
        long fetchFailures = 0;
        for (TokenCache cache : caches) {
            for (KeyStats stats : cache.allStats()) {
                keys++;
                injected += stats.requestsInjected();
                failed += stats.requestsFailed();
                withoutToken += stats.requestsSentWithoutToken();
                fetches += stats.tokenFetches();
                fetchFailures += stats.fetchFailures();
            }
        }
        log.info("stats: {} keys, {} requests with a token, {} failed for want of one, {} sent without one, "
                + "{} token fetches, {} of them failed", keys, injected, failed, withoutToken, fetches, fetchFailures);
    }
}
