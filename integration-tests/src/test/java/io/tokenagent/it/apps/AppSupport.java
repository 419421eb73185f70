package io.tokenagent.it.apps;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the client test applications share: their command line (URLs, {@code --header Name:Value},
 * {@code --threads N}, and each application's own flags) and how they print an error.
 */
final class AppSupport {

    final List<String> headers = new ArrayList<>();
    final List<String> urls = new ArrayList<>();
    int threads = 1;
    private final Map<String, String> options = new HashMap<>();

    private AppSupport() {
    }

    /**
     * @param flags the application's own options without a value
     * @param withValue the application's own options followed by a value
     */
    static AppSupport parse(String[] args, Set<String> flags, Set<String> withValue) {
        AppSupport parsed = new AppSupport();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--header")) {
                parsed.headers.add(args[++i]);
            } else if (arg.equals("--threads")) {
                parsed.threads = Integer.parseInt(args[++i]);
            } else if (flags.contains(arg)) {
                parsed.options.put(arg, "");
            } else if (withValue.contains(arg)) {
                parsed.options.put(arg, args[++i]);
            } else if (arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + arg);
            } else {
                parsed.urls.add(arg);
            }
        }
        return parsed;
    }

    boolean has(String option) {
        return options.containsKey(option);
    }

    String value(String option) {
        return options.get(option);
    }

    /**
     * Sends each URL in order on {@code threads} threads that start together (so that first requests race), and
     * prints each result line as it comes; returns when all are done.
     */
    static void sendOnThreads(int threads, List<String> urls, java.util.function.Function<String, String> send)
            throws InterruptedException {
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (String url : urls) {
                    String line = send.apply(url);
                    synchronized (System.out) {
                        System.out.println(line);
                    }
                }
            });
            thread.start();
            started.add(thread);
        }
        start.countDown();
        for (Thread thread : started) {
            thread.join();
        }
    }

    /** {@code ERROR <exception class>: <message> <- <cause's message>...}: what the application was given. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder("ERROR " + e.getClass().getName() + ": " + e.getMessage());
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            text.append(" <- ").append(cause.getMessage());
        }
        return text.toString();
    }
}
