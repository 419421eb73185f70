package io.tokenagent.it.apps;

import com.sun.tools.attach.VirtualMachine;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * An application already running (its HttpURLConnection classes loaded) when the agent is attached to it:
 * {@code AttachApp <agent jar> <agent args> <url>} requests the URL, attaches the agent to itself, requests again.
 */
public final class AttachApp {

    public static void main(String[] args) throws Exception {
        System.out.println("BEFORE " + get(args[2]));
        VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
        try {
            vm.loadAgent(args[0], args[1]);
        } finally {
            vm.detach();
        }
        System.out.println("AFTER " + get(args[2]));
    }

    private static String get(String url) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try (InputStream in = connection.getInputStream()) {
            return connection.getResponseCode() + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
