package io.tokenagent.it.apps;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * An application that installs a security manager (Java 23 and earlier) after {@code HttpURLConnection} has loaded,
 * then sends one GET: prints {@code STATUS <code>}, or {@code ERROR <message>} when the request throws.
 */
public final class SecurityManagerApp {

    @SuppressWarnings("removal") // the legacy applications that still install one are the point
    public static void main(String[] args) throws Exception {
        new URL(args[0]).openConnection(); // loads HttpURLConnection, and so the agent rewrites it, before the manager
        System.setSecurityManager(new SecurityManager());
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL(args[0]).openConnection();
            System.out.println("STATUS " + connection.getResponseCode());
        } catch (IOException e) {
            System.out.println("ERROR " + e.getMessage());
        }
    }
}
