package io.tokenagent.agent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread of the agent's own (token fetches, background refresh). Requests made on one are never touched by
 * the instrumentation, which is how the agent's own calls to the token endpoint stay un-intercepted.
 */
public final class AgentThread extends Thread {

    private AgentThread(Runnable task, String name) {
        super(task, name);
        setDaemon(true);
    }

    public static boolean isCurrent() {
        return Thread.currentThread() instanceof AgentThread;
    }

    /** Daemon threads named {@code token-agent-<purpose>-<n>}. */
    public static ThreadFactory factory(final String purpose) {
        final AtomicInteger count = new AtomicInteger();
        return new ThreadFactory() {
            @Override
            public Thread newThread(Runnable task) {
                AgentThread t = new AgentThread(task, "token-agent-" + purpose + "-" + count.incrementAndGet());
                // No application class loader may be pinned by a thread that lives as long as the JVM.
                t.setContextClassLoader(null);
                return t;
            }
        };
    }
}
