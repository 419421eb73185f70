package io.tokenagent.agent;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
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

    private static final class Holder {
        static final ExecutorService EXECUTOR = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<Runnable>(), AgentThread.daemonFactory("callback", false));
    }
}
