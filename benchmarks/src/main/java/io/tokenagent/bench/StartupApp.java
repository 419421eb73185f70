package io.tokenagent.bench;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The small application of the start-up benchmark: one GET with the named client, then its own peak resident
 * memory ({@code VmHWM}) and the CPU time the process has used, as its last act.
 */
public final class StartupApp {

    public static void main(String[] args) throws Exception {
        String body;
        if (args[0].equals("httpclient")) {
            body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(args[1])).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } else {
            HttpURLConnection connection = (HttpURLConnection) URI.create(args[1]).toURL().openConnection();
            try (InputStream in = connection.getInputStream()) {
                body = new String(in.readAllBytes());
            }
        }
        // No lambdas or streams: the agent's cost must not hide behind start-up work the application does anyway.
        String peakKb = "0";
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                peakKb = line.replaceAll("[^0-9]", "");
            }
        }
        // CPU of every thread so far, ended ones included (fields 14 and 15, in clock ticks of 10 ms).
        String[] stat = Files.readString(Path.of("/proc/self/stat")).replaceFirst(".*\\) ", "").split(" ");
        long cpuMillis = (Long.parseLong(stat[11]) + Long.parseLong(stat[12])) * 10;
        System.out.println(body + " " + peakKb + " " + cpuMillis);
    }
}
