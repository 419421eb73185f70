package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Input made to fool the agent: host names that look like a rule's host, and configuration that cannot be right.
 * Made-up host names are reached through an HTTP proxy that records what it receives.
 */
class HostileInputIT extends AgentTestSupport {

    @TempDir
    Path dir;

    /** Path on the api server, request host: each look-alike of a rule's host gets a path of its own. */
    private static final Map<String, String> LOOK_ALIKES = new LinkedHashMap<>();

    static {
        LOOK_ALIKES.put("/dotless-i", "sso.k\u0131tchen.example"); // U+0131, folds to I under Unicode rules
        LOOK_ALIKES.put("/long-s", "\u017F\u017Fo.kitchen.example"); // U+017F, folds to S
        LOOK_ALIKES.put("/kelvin", "sso.\u212Aitchen.example"); // U+212A, folds to k
        LOOK_ALIKES.put("/wildcard-dotless-i", "evil.core.w\u0131ndows.example");
        LOOK_ALIKES.put("/idn-unconverted", "b\u00fccher.test"); // the rule's own name, sent unconverted
    }

    /**
     * The JDK clients. HttpURLConnection's {@code URL} accepts a host with any character and sends it as it is.
     * java.net.http takes a {@code java.net.URI}, which parses such an authority as registry-based, with no host:
     * {@code HttpRequest.newBuilder} refuses it ("unsupported URI") before any agent code runs. Both are run, so
     * that the day java.net.http accepts such hosts this test covers it.
     */
    static Stream<Arguments> jdkClients() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("urlconnection", "httpclient", "httpclient-async")
                .map(client -> Arguments.of(jdk, client)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkClients")
    void lookAlikeHostsGetNoTokenWhileTheGenuineHostsAndPunycodeDo(Jdk jdk, String client) throws Exception {
        tokenEndpointGives("token-real", 3600);
        try (RecordingProxy proxy = new RecordingProxy()) { // port 8080 is never connected to: all goes to the proxy
            Path rules = dir.resolve("rules.json");
            Files.writeString(rules, "{\"endpoint\": \"" + endpoint() + "\", \"rules\": [\n"
                    + "  {\"match\": \"http://sso.kitchen.example:8080\", \"resource\": \"" + RESOURCE + "\"},\n"
                    + "  {\"match\": \"http://*.core.windows.example:8080\", \"resource\": \"" + RESOURCE + "\"},\n"
                    + "  {\"match\": \"http://b\u00fccher.test:8080\", \"resource\": \"" + RESOURCE + "\"}\n"
                    + "]}\n");
            List<String> args = new ArrayList<>(List.of(client, "--system-proxy",
                    "http://sso.kitchen.example:8080/genuine", "http://evil.core.windows.example:8080/genuine-wildcard",
                    "http://xn--bcher-kva.test:8080/punycode"));
            LOOK_ALIKES.forEach((path, host) -> args.add("http://" + host + ":8080" + path));
            AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("config=" + rules)
                    .env("LC_ALL", "C.UTF-8") // so that the JVM reads the Unicode host names in its arguments as such
                    .jvmArg("-Dhttp.proxyHost=127.0.0.1").jvmArg("-Dhttp.proxyPort=" + proxy.port())
                    .jvmArg("-Dhttp.nonProxyHosts=nothing.invalid")
                    .run(args.toArray(new String[0]));

            List<String> responses = result.responses();
            assertEquals(3 + LOOK_ALIKES.size(), responses.size(), result.toString());
            assertTrue(responses.stream().limit(3).allMatch(l -> l.startsWith("STATUS 200")), result.toString());
            for (String line : responses.subList(3, responses.size())) {
                assertTrue(line.startsWith(client.equals("urlconnection") ? "STATUS 200"
                        : "ERROR java.lang.IllegalArgumentException: unsupported URI"), result.toString());
            }
            List<Executable> checks = new ArrayList<>(List.of(
                    () -> assertEquals(List.of("Bearer token-real"), proxy.received("/genuine", "Authorization")),
                    () -> assertEquals(List.of("Bearer token-real"), proxy.received("/genuine-wildcard",
                            "Authorization")),
                    () -> assertEquals(List.of("Bearer token-real"), proxy.received("/punycode", "Authorization"),
                            "a rule's Unicode host is matched by its punycode form")));
            LOOK_ALIKES.forEach((path, host) -> checks.add(() -> {
                if (client.equals("urlconnection")) {
                    assertTrue(proxy.heads.stream().anyMatch(h -> h.startsWith("GET http://" + host + ":8080" + path)),
                            "the look-alike host went out as it is: " + proxy.heads);
                    assertEquals(Collections.singletonList(null), proxy.received(path, "Authorization"), host);
                } else {
                    assertEquals(List.of(), proxy.received(path, "Authorization"), host);
                }
            }));
            assertAll(checks);
        }
    }

    /**
     * An HTTP proxy that answers every request itself and keeps its request line and headers. Not WireMock: Jetty
     * refuses a non-ASCII host with a 400 before WireMock records the request.
     */
    private static final class RecordingProxy implements AutoCloseable {

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
}
