package io.tokenagent.it.apps;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * An application that is already running when the agent is attached to it from another process:
 * {@code LongRunningApp <url>...} prints {@code PID <pid>}, then requests the URLs every 200 ms, printing
 * {@code STATUS <code>} for each, until a line arrives on its standard input (or 60 s pass).
 */
public final class LongRunningApp {

    public static void main(String[] args) throws Exception {
        System.out.println("PID " + ProcessHandle.current().pid());
        System.out.flush();
        long end = System.currentTimeMillis() + 60_000;
        while (System.in.available() == 0 && System.currentTimeMillis() < end) {
            for (String url : args) {
                HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
                try (InputStream in = connection.getInputStream()) {
                    in.readAllBytes();
                    System.out.println("STATUS " + connection.getResponseCode());
                } catch (Exception e) {
                    System.out.println("ERROR " + e);
                }
            }
            System.out.flush();
            Thread.sleep(200);
        }
    }
}
