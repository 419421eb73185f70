package io.tokenagent.token;

import java.net.HttpURLConnection;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Cuts off a call to a token endpoint that has not answered in full by its deadline. A read timeout bounds each
 * read, not the response: an endpoint trickling a byte at a time would otherwise hold a fetch, and every request
 * waiting for it, for hours. Closing the connection from another thread makes the blocked read fail at once.
 */
final class ResponseDeadline {

    private final ThreadFactory threads;
    private ScheduledThreadPoolExecutor timer;

    ResponseDeadline(ThreadFactory threads) {
        this.threads = threads;
    }

    /** Disconnects {@code connection} in {@code millis} unless the watch is stopped first. */
    Watch watch(HttpURLConnection connection, long millis) {
        Watch watch = new Watch(connection, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
        watch.future = timer().schedule(watch, millis, TimeUnit.MILLISECONDS);
        return watch;
    }

    /** Created with the first call: no thread before a token is asked for. */
    private synchronized ScheduledThreadPoolExecutor timer() {
        if (timer == null) {
            timer = new ScheduledThreadPoolExecutor(1, threads);
            timer.setRemoveOnCancelPolicy(true);
        }
        return timer;
    }

    /** One call's deadline. */
    static final class Watch implements Runnable {
        private final HttpURLConnection connection;
        /** When the response must be complete, on {@link System#nanoTime()}'s scale. */
        final long deadlineNanos;
        private volatile boolean expired;
        private volatile ScheduledFuture<?> future;

        Watch(HttpURLConnection connection, long deadlineNanos) {
            this.connection = connection;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public void run() {
            expired = true;
            connection.disconnect();
        }

        /** Whether the deadline passed: the connection was cut, and whatever it threw is a timeout. */
        boolean expired() {
            return expired;
        }

        void stop() {
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
