package io.tokenagent.thread;

import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread of the agent's own (token fetches, background refresh). Requests made on one are never touched by
 * the instrumentation, which is how the agent's own calls to the token endpoint stay un-intercepted.
 */
public final class AgentThread extends Thread {

    private AgentThread(Runnable task, String name) {
        super(task, name);
    }

    public static boolean isCurrent() {
        return Thread.currentThread() instanceof AgentThread;
    }

    /** Daemon threads named {@code token-agent-<purpose>-<n>}. */
    public static ThreadFactory factory(String purpose) {
        return daemonFactory(purpose, true);
    }

    /**
     * Daemon threads named {@code token-agent-<purpose>-<n>}, which are {@link AgentThread}s or, for code that
     * must be instrumented like the application's, ordinary threads.
     *
     * <p>Pools create threads lazily, while an application's code is on the stack, and a new thread inherits from
     * its creator: its context class loader and (before Java 24) an access-control context holding the
     * protection domain, and so the class loader, of every class on the stack. Threads that live as long as the
     * JVM must keep neither, or a redeployed web application's class loader can never be collected.
     */
    public static ThreadFactory daemonFactory(final String purpose, final boolean agentThreads) {
        final AtomicInteger count = new AtomicInteger();
        return new ThreadFactory() {
            @Override
            public Thread newThread(final Runnable task) {
                final String name = "token-agent-" + purpose + "-" + count.incrementAndGet();
                return withoutCallersContext(new PrivilegedAction<Thread>() {
                    @Override
                    public Thread run() {
                        Thread t = agentThreads ? new AgentThread(task, name) : new Thread(task, name);
                        t.setDaemon(true);
                        // privileged too: a security manager would ask the application on the stack for the right
                        t.setContextClassLoader(null);
                        return t;
                    }
                });
            }
        };
    }

    @SuppressWarnings("removal") // still what detaches the inherited context on the Java versions that have one
    private static Thread withoutCallersContext(PrivilegedAction<Thread> constructor) {
        return AccessController.doPrivileged(constructor);
    }
}
