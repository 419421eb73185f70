package io.tokenagent.it.apps;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An application under load, knowing nothing of tokens: {@code LoadApp <threads> <requests per thread> <seconds>
 * <lead ms> <url>...}. Each thread sends {@code HttpURLConnection} GETs over the URLs in turn (thread i starting at
 * URL i), keep-alive, until it has sent its requests or, with requests 0, until the seconds have passed. With a
 * lead above 0, one request to the first URL goes first and the threads start that many ms after it.
 * Prints {@code LEAD <status or error> <ms>} and then
 * {@code LOAD requests=N ok=N failed=N millis=N slowest-ok-ms=N slowest-failed-ms=N}, and
 * {@code FIRST-ERROR <message>} when a request failed.
 */
public final class LoadApp {

    private static final AtomicLong ok = new AtomicLong();
    private static final AtomicLong failed = new AtomicLong();
    private static final AtomicLong slowestOk = new AtomicLong();
    private static final AtomicLong slowestFailed = new AtomicLong();
    private static final AtomicReference<String> firstError = new AtomicReference<>();

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int perThread = Integer.parseInt(args[1]);
        long end = System.currentTimeMillis() + Long.parseLong(args[2]) * 1000;
        long lead = Long.parseLong(args[3]);
        List<URL> urls = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            urls.add(new URL(args[i]));
        }
        Thread first = null;
        if (lead > 0) {
            first = new Thread(() -> {
                long start = System.nanoTime();
                String outcome = send(urls.get(0));
                System.out.println("LEAD " + outcome + " " + (System.nanoTime() - start) / 1_000_000);
            });
            first.start();
            Thread.sleep(lead);
            end += lead;
        }
        long deadline = end;
        long started = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread worker = new Thread(() -> {
                for (int i = 0; perThread > 0 ? i < perThread : System.currentTimeMillis() < deadline; i++) {
                    URL url = urls.get((offset + i) % urls.size());
                    long start = System.nanoTime();
                    String outcome = send(url);
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    if (outcome.equals("200")) {
                        ok.incrementAndGet();
                        slowestOk.accumulateAndGet(ms, Math::max);
                    } else {
                        failed.incrementAndGet();
                        slowestFailed.accumulateAndGet(ms, Math::max);
                        firstError.compareAndSet(null, outcome);
                    }
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (first != null) {
            first.join();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("LOAD requests=" + (ok.get() + failed.get()) + " ok=" + ok.get() + " failed=" + failed.get()
                + " millis=" + millis + " slowest-ok-ms=" + slowestOk.get() + " slowest-failed-ms="
                + slowestFailed.get());
        if (firstError.get() != null) {
            System.out.println("FIRST-ERROR " + firstError.get());
        }
        System.exit(0);
    }

    /** The status, or the error, of one request; the body is read to the end so the connection is kept alive. */
    private static String send(URL url) {
        try {
            HttpURLConnection connection = (HttpURLConnection) url.openConnection();
            try (InputStream in = connection.getInputStream()) {
                in.readAllBytes();
            }
            return String.valueOf(connection.getResponseCode());
        } catch (IOException e) {
            return e.toString();
        }
    }
}
