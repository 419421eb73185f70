package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent's counters, read from another JVM through a JMX connection, as JConsole would. */
class JmxIT extends AgentTestSupport {

    static Stream<Jdk> jdks() {
        return Jdk.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void eachCacheKeyAndTheSummaryShowWhatHappened(Jdk jdk) throws Exception {
        jdk.assumeAvailable();
        tokenEndpointGives("token-jmx", 3600);
        // a second rule whose endpoint answer fails, under proceed
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).withQueryParam("resource",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("https://down.example"))
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"invalid_resource\"}")));
        String rules = "[{\"match\": \"" + apiUrl("/api") + "\", \"resource\": \"" + RESOURCE + "\"},"
                + " {\"match\": \"" + apiUrl("/open") + "\", \"resource\": \"https://down.example\"}]";
        ProcessBuilder builder = new ProcessBuilder(jdk.java(), "-javaagent:" + AgentJvm.AGENT_JAR.toAbsolutePath()
                + "=endpoint=" + endpoint() + ",on_failure=proceed,retry_timeout_ms=500", "-cp", AgentJvm.APP_CLASSES,
                "io.tokenagent.it.apps.LongRunningApp", apiUrl("/api/jmx"), apiUrl("/open/jmx"))
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("TOKEN_AGENT_") || k.startsWith("AZURE_"));
        builder.environment().put("TOKEN_AGENT_RULES", rules);
        Process app = builder.start();
        app.getOutputStream().close(); // no stop line: it runs until destroyed (at most 60 s)
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while (!(line = out.readLine()).startsWith("PID ")) {
                // the agent's own start-up lines come first
            }
            String pid = line.substring("PID ".length());
            VirtualMachine vm = VirtualMachine.attach(pid);
            String address;
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection server = connector.getMBeanServerConnection();
                long end = System.currentTimeMillis() + 20_000;
                Set<ObjectName> names;
                do {
                    Thread.sleep(200);
                    names = server.queryNames(new ObjectName("io.tokenagent:type=TokenKey,*"), null);
                } while (names.size() < 2 && System.currentTimeMillis() < end);
                assertEquals(2, names.size(), names.toString());
                ObjectName good = names.stream().filter(n -> n.getKeyProperty("resource").contains(RESOURCE))
                        .findFirst().orElseThrow();
                ObjectName bad = names.stream().filter(n -> n.getKeyProperty("resource").contains("down.example"))
                        .findFirst().orElseThrow();
                Thread.sleep(1000); // a few more requests
                assertEquals(1L, server.getAttribute(good, "TokenFetches"));
                assertTrue((Long) server.getAttribute(good, "RequestsInjected") >= 2);
                long toExpiry = (Long) server.getAttribute(good, "SecondsToExpiry");
                assertTrue(toExpiry > 3500 && toExpiry <= 3600, "SecondsToExpiry " + toExpiry);
                assertEquals("sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest
                        .getInstance("SHA-256").digest("token-jmx".getBytes(StandardCharsets.UTF_8)), 0, 4),
                        server.getAttribute(good, "TokenFingerprint"));
                assertEquals(null, server.getAttribute(good, "LastError"));
                assertEquals(0L, server.getAttribute(good, "RequestsSentWithoutToken"));

                assertTrue((Long) server.getAttribute(bad, "RequestsSentWithoutToken") >= 1);
                assertTrue((Long) server.getAttribute(bad, "FetchFailures") >= 1);
                assertTrue(((String) server.getAttribute(bad, "LastError")).contains("HTTP 400 invalid_resource"));
                assertEquals(-1L, server.getAttribute(bad, "SecondsToExpiry"));

                ObjectName summary = new ObjectName("io.tokenagent:type=Summary");
                assertEquals(2, server.getAttribute(summary, "Keys"));
                assertTrue((Long) server.getAttribute(summary, "RequestsInjected")
                        >= (Long) server.getAttribute(good, "RequestsInjected"));
                assertTrue((Long) server.getAttribute(summary, "FetchFailures") >= 1);
            }
        } finally {
            app.destroyForcibly();
        }
    }
}
