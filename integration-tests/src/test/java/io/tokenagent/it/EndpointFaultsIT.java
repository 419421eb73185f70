package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A token endpoint that fails the ways real ones do, in front of a real application at {@code log_level=debug}:
 * what the application sees, how long it waits, how often the endpoint is called, and that no token reaches the
 * output. Each test prints its figure for README's "What it survives" table.
 */
class EndpointFaultsIT extends AgentTestSupport {

    private static final String TOKEN = "tok-faults-Hq83MzXw1rTb";

    static Stream<Jdk> jdks() {
        return Jdk.all().stream();
    }

    /** For the cases that wait out retries: what they show is the agent's timing, not the JDK's. */
    static Stream<Jdk> firstJdk() {
        return Jdk.all().stream().limit(1);
    }

    /** A rule for {@code api}'s {@code /api}, at debug, with these extra agent arguments. */
    private static String debugRule(String endpoint, String extra) {
        return "endpoint=" + endpoint + ",match=" + apiUrl("/api") + ",resource=" + RESOURCE + ",log_level=debug,"
                + extra;
    }

    /** The endpoint answers with each response in turn, then keeps giving the last. */
    private static void endpointAnswers(ResponseDefinitionBuilder... responses) {
        String state = Scenario.STARTED;
        for (int i = 0; i < responses.length; i++) {
            String next = i == responses.length - 1 ? state : "answer " + (i + 1);
            tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).inScenario("faults").whenScenarioStateIs(state)
                    .willReturn(responses[i]).willSetStateTo(next));
            state = next;
        }
    }

    /** One request to {@code api}'s {@code path} through HttpURLConnection, timed, with the token endpoint's rule. */
    private static AgentJvm.Result requestOnce(Jdk jdk, String extra, String path) throws Exception {
        return AgentJvm.on(jdk).agentArgs(debugRule(endpoint(), extra)).run("urlconnection", "--timed", apiUrl(path));
    }

    private static List<Long> tokenCallTimes() {
        return tokens.findAll(getRequestedFor(urlPathEqualTo(TOKEN_PATH))).stream()
                .map(r -> r.getLoggedDate().getTime()).toList();
    }

    private static long took(AgentJvm.Result result, int request) {
        String took = result.linesStarting("TOOK ").get(request);
        return Long.parseLong(took.substring(0, took.indexOf(' ')));
    }

    private static void assertGotTheToken(AgentJvm.Result result, String path) {
        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer " + TOKEN), received(api, path, "Authorization"));
        assertNoSecret(result, TOKEN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void twoServerErrorsThenATokenTheApplicationSeesOnlyTheSuccess(Jdk jdk) throws Exception {
        endpointAnswers(aResponse().withStatus(500).withBody("{\"error\":\"busy\"}"),
                aResponse().withStatus(500).withBody("{\"error\":\"busy\"}"), okJson(tokenJson(TOKEN, 3600)));
        AgentJvm.Result result = requestOnce(jdk, "retry_timeout_ms=10000", "/api/500");

        assertGotTheToken(result, "/api/500");
        assertEquals(3, tokenCalls());
        figure("500, 500, then a token", "the request succeeds after 3 endpoint calls, in " + took(result, 0)
                + " ms");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void tooManyRequestsIsRetriedNoSoonerThanRetryAfterSays(Jdk jdk) throws Exception {
        endpointAnswers(aResponse().withStatus(429).withHeader("Retry-After", "2").withBody("{\"error\":\"slow\"}"),
                okJson(tokenJson(TOKEN, 3600)));
        AgentJvm.Result result = requestOnce(jdk, "retry_timeout_ms=10000", "/api/429");

        assertGotTheToken(result, "/api/429");
        List<Long> calls = tokenCallTimes();
        assertEquals(2, calls.size());
        long gap = calls.get(1) - calls.get(0);
        assertTrue(gap >= 1990, "asked again " + gap + " ms after Retry-After: 2");
        figure("429 with Retry-After: 2", "asked again after " + gap + " ms; the request succeeds in "
                + took(result, 0) + " ms");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void anEndpointUpdatingLongerThanTheRetryBudgetIsStillWaitedFor(Jdk jdk) throws Exception {
        // IMDS's 410 says "available within 70 s": a fetch keeps trying past a 1 s retry_timeout_ms
        endpointAnswers(aResponse().withStatus(410).withBody("{\"error\":\"updating\"}"),
                aResponse().withStatus(410).withBody("{\"error\":\"updating\"}"), okJson(tokenJson(TOKEN, 3600)));
        AgentJvm.Result result = requestOnce(jdk, "retry_timeout_ms=1000", "/api/410");

        assertGotTheToken(result, "/api/410");
        List<Long> calls = tokenCallTimes();
        long span = calls.get(calls.size() - 1) - calls.get(0);
        assertEquals(3, calls.size());
        assertTrue(span > 1000, "the 410s lasted " + span + " ms, longer than the 1000 ms budget");
        figure("410 for longer than retry_timeout_ms=1000", "tried on for " + span
                + " ms (up to 70 s); the request succeeds in " + took(result, 0) + " ms");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anEndpointThatAcceptsAndNeverAnswersFailsTheRequestWithinItsBounds(Jdk jdk) throws Exception {
        try (SilentServer silent = new SilentServer()) {
            AgentJvm.Result result = AgentJvm.on(jdk).timeoutSeconds(40).agentArgs(debugRule(silent.endpoint(),
                    "read_timeout_ms=1000,retry_timeout_ms=1000")).run("urlconnection", "--timed",
                    apiUrl("/api/silent"));

            String line = assertFailedClosed(result);
            assertTrue(line.contains("no complete response within 1000 ms") || line.contains("Read timed out"), line);
            long took = took(result, 0);
            assertTrue(took < 1000 + 1000 + 1500, "the application waited " + took + " ms");
            assertTrue(silent.accepted() >= 1);
            figure("accepts and never answers", "the request fails closed after " + took
                    + " ms (retry_timeout_ms=1000, read_timeout_ms=1000), naming the timeout");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void invalidJsonFailsTheRequestSayingSo(Jdk jdk) throws Exception {
        endpointAnswers(okJson("{\"access_token\":\"" + TOKEN + "\",\"expires_in\":"));
        AgentJvm.Result result = requestOnce(jdk, "retry_timeout_ms=1000", "/api/json");

        String line = assertFailedClosed(result);
        assertTrue(line.contains("JSON"), line);
        assertNoSecret(result, TOKEN);
        figure("invalid JSON", "the request fails closed in " + took(result, 0) + " ms: "
                + line.substring(line.indexOf("token-agent:")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aTenMegabyteBodyIsCutOffWithBoundedMemoryAndTime(Jdk jdk) throws Exception {
        String huge = "{\"access_token\":\"" + TOKEN + "x".repeat(10 * 1024 * 1024) + "\",\"expires_in\":3600}";
        endpointAnswers(okJson(huge));
        // 32 MB of heap: a client that read the body whole (twice, as bytes and as text) would not survive it
        AgentJvm.Result result = AgentJvm.on(jdk).jvmArg("-Xmx32m").agentArgs(debugRule(endpoint(),
                "retry_timeout_ms=1000")).run("urlconnection", "--timed", apiUrl("/api/huge"));

        String line = assertFailedClosed(result);
        assertTrue(line.contains("response larger than 65536 bytes"), line);
        assertTrue(line.contains("127.0.0.1:" + tokens.port()), "the endpoint is named: " + line);
        assertNoSecret(result, TOKEN);
        figure("a 10 MB body", "cut off after 64 KiB in a 32 MB heap; the request fails closed in "
                + took(result, 0) + " ms, naming the endpoint and the size");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anHtmlPageFromAProxyFailsTheRequestWithoutQuotingIt(Jdk jdk) throws Exception {
        endpointAnswers(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                .withBody("<html><body><h1>Access denied</h1><p>Proxy session " + TOKEN + "</p></body></html>"));
        AgentJvm.Result result = requestOnce(jdk, "retry_timeout_ms=1000", "/api/html");

        String line = assertFailedClosed(result);
        assertTrue(line.contains("JSON"), line);
        assertTrue(!line.contains("Access denied"), "the page is quoted: " + line);
        assertNoSecret(result, TOKEN);
        figure("HTML from a proxy", "the request fails closed in " + took(result, 0) + " ms: "
                + line.substring(line.indexOf("token-agent:")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstJdk")
    void anEndpointDownAtStartServesTheRequestsAfterItComesUp(Jdk jdk) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // nothing listens there until the endpoint comes up
        }
        WireMockServer late = new WireMockServer(options().port(port).bindAddress("127.0.0.1"));
        late.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson(TOKEN, 3600))));
        try {
            CompletableFuture<AgentJvm.Result> app = CompletableFuture.supplyAsync(() -> run(AgentJvm.on(jdk)
                    .timeoutSeconds(60).agentArgs(debugRule("http://127.0.0.1:" + port + TOKEN_PATH,
                            "connect_timeout_ms=500,retry_timeout_ms=500,max_wait_ms=1000")),
                    "urlconnection", "--repeat", "10", "--interval", "700", otherUrl("/tick"), apiUrl("/api/later")));
            long deadline = System.currentTimeMillis() + 30_000;
            while (received(other, "/tick", "Host").size() < 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50); // two rounds of requests while the endpoint is down
            }
            late.start();
            long up = System.currentTimeMillis();
            AgentJvm.Result result = app.get();

            List<String> apiResponses = new ArrayList<>(); // each round: /tick, then /api/later
            for (int i = 1; i < result.responses().size(); i += 2) {
                apiResponses.add(result.responses().get(i));
            }
            assertTrue(apiResponses.get(0).startsWith("ERROR java.io.IOException: token-agent: "), result.toString());
            assertEquals("STATUS 200 ok", apiResponses.get(apiResponses.size() - 1), result.toString());
            long failed = apiResponses.stream().filter(l -> l.startsWith("ERROR")).count();
            assertTrue(apiResponses.stream().dropWhile(l -> l.startsWith("ERROR")).allMatch("STATUS 200 ok"::equals),
                    "once up, every request gets its token: " + apiResponses);
            List<String> sent = received(api, "/api/later", "Authorization");
            assertEquals(Collections.nCopies(apiResponses.size() - (int) failed, "Bearer " + TOKEN), sent);
            List<LoggedRequest> fetches = late.findAll(anyRequestedFor(urlPathEqualTo(TOKEN_PATH)));
            long firstToken = fetches.get(0).getLoggedDate().getTime() - up;
            assertNoSecret(result, TOKEN);
            figure("down at start, then up", failed + " requests fail closed while down; the first fetch after it "
                    + "comes up is " + firstToken + " ms later, and every request after it has its token");
        } finally {
            late.stop();
        }
    }

    private static AgentJvm.Result run(AgentJvm jvm, String... args) {
        try {
            return jvm.run(args);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token endpoint that accepts connections and never says a word. */
    private static final class SilentServer implements AutoCloseable {

        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> held = Collections.synchronizedList(new ArrayList<>());

        SilentServer() throws IOException {
            Thread thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        held.add(server.accept());
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            }, "silent-endpoint");
            thread.setDaemon(true);
            thread.start();
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getLocalPort() + TOKEN_PATH;
        }

        int accepted() {
            return held.size();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (held) {
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }
}
