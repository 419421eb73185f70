package io.tokenagent.it.apps;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * One GET with {@code HttpURLConnection} and nothing else, printing {@code STATUS <code> <body>}: an application
 * that loads no more of the JDK than that, so that what else a JVM loads is the agent's doing.
 */
public final class OneGetApp {

    public static void main(String[] args) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) new URL(args[0]).openConnection();
        try (InputStream in = connection.getInputStream()) {
            System.out.println("STATUS " + connection.getResponseCode() + " "
                    + new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
