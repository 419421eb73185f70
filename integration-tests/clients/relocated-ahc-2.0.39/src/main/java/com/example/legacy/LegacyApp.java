package com.example.legacy;

import java.util.concurrent.TimeUnit;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.DefaultAsyncHttpClient;
import org.asynchttpclient.Response;

/**
 * A vendor's code on its relocated AsyncHttpClient 2.0: one GET per URL. Prints {@code STATUS <code> <body>} or
 * {@code ERROR <exception class>: <message>} per request.
 */
public final class LegacyApp {

    public static void main(String[] args) throws Exception {
        try (AsyncHttpClient client = new DefaultAsyncHttpClient()) {
            for (String url : args) {
                try {
                    Response response = client.prepareGet(url).execute().get(30, TimeUnit.SECONDS);
                    System.out.println("STATUS " + response.getStatusCode() + " " + response.getResponseBody());
                } catch (Exception e) {
                    System.out.println("ERROR " + e.getClass().getName() + ": " + e.getMessage());
                }
            }
        }
    }
}
