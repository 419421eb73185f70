package io.tokenagent.headers;

import io.tokenagent.thread.AgentThread;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where an asynchronous client's request goes on once a token it waited for has arrived. Ordinary threads, not
 * {@link AgentThread}s: what runs there is the client's code, which the agent must instrument like any other, and
 * it must never delay the agent's own fetches. Created on first use: most applications never need it.
 */
final class CallbackThreads {

    private CallbackThreads() {
    }

    static Executor executor() {
        return Holder.EXECUTOR;
    }

    /**
     * At most this many threads, the rest queued: a burst of requests that waited for one token (thousands, in an
     * application that starts busy) must not start a thread each. Enough that an application callback that blocks
     * (the failure path completes the application's future on this thread) does not hold up the others.
     */
    private static final int MAX_THREADS = 32;

    private static final class Holder {
        static final ExecutorService EXECUTOR = create();

        private static ExecutorService create() {
            ThreadPoolExecutor executor = new ThreadPoolExecutor(MAX_THREADS, MAX_THREADS, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<Runnable>(), AgentThread.daemonFactory("callback", false));
            executor.allowCoreThreadTimeOut(true); // none left once idle: most applications need them at start only
            return executor;
        }
    }
}
