package io.tokenagent.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An HTTP proxy that answers every request itself and keeps its request line and headers. Not WireMock: Jetty
 * refuses a non-ASCII host with a 400 before WireMock records the request.
 */
final class RecordingProxy implements AutoCloseable {

    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final List<String> heads = Collections.synchronizedList(new ArrayList<>());

    RecordingProxy() throws IOException {
        Thread thread = new Thread(this::serve, "recording-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                InputStream in = socket.getInputStream();
                int b;
                while ((b = in.read()) >= 0) {
                    head.write(b);
                    if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                        break;
                    }
                }
                heads.add(head.toString(StandardCharsets.UTF_8));
                socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                        .getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // closed, or a client gone: nothing to record
            }
        }
    }

    /** The values of a header on the requests received for a path, in order; null where absent. */
    List<String> received(String path, String header) {
        List<String> values = new ArrayList<>();
        synchronized (heads) {
            for (String head : heads) {
                String[] lines = head.split("\r\n");
                String target = lines[0].split(" ")[1];
                if (!target.endsWith(path)) {
                    continue;
                }
                String value = null;
                for (String line : lines) {
                    if (line.regionMatches(true, 0, header + ":", 0, header.length() + 1)) {
                        value = line.substring(header.length() + 1).trim();
                    }
                }
                values.add(value);
            }
        }
        return values;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
