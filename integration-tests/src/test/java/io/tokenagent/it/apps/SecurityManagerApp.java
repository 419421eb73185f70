package io.tokenagent.it.apps;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * An application that installs a security manager (Java 23 and earlier), {@code first} or after
 * {@code HttpURLConnection} has loaded ({@code after-load}), then sends one GET: prints {@code STATUS <code>}, or
 * {@code ERROR <exception>} when the request throws.
 */
public final class SecurityManagerApp {

    @SuppressWarnings("removal") // the legacy applications that still install one are the point
    public static void main(String[] args) throws Exception {
        if (args[0].equals("after-load")) {
            new URL(args[1]).openConnection(); // loads HttpURLConnection, and so the agent rewrites it, before
        }
        System.setSecurityManager(new SecurityManager());
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL(args[1]).openConnection();
            System.out.println("STATUS " + connection.getResponseCode());
        } catch (IOException | SecurityException e) {
            System.out.println("ERROR " + e);
        }
    }
}
