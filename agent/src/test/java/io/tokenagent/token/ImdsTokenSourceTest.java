package io.tokenagent.token;

import io.tokenagent.config.TokenRequest;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.tokenagent.config.AgentConfig;
import io.tokenagent.config.ConfigException;
import io.tokenagent.config.ConfigLoader;
import io.tokenagent.config.Identity;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImdsTokenSourceTest {

    private static final String PATH = "/metadata/identity/oauth2/token";
    private static final TokenRequest VAULT = TokenRequest.forResource("https://vault.azure.net", Identity.SYSTEM_ASSIGNED,
            null);

    private WireMockServer server;
    /** A clock that the recording backoff moves forward, so retry deadlines are tested without waiting. */
    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private final List<Long> delays = new ArrayList<>();
    private final Backoff backoff = new Backoff(1000, 16000) {
        @Override
        void sleep(long millis) {
            delays.add(millis);
            now.addAndGet(millis);
        }
    };

    @BeforeEach
    void start() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private ImdsTokenSource source(long retryTimeoutMillis) {
        return source(URI.create("http://127.0.0.1:" + server.port() + PATH), retryTimeoutMillis);
    }

    private ImdsTokenSource source(URI endpoint, long retryTimeoutMillis) {
        return source(endpoint, retryTimeoutMillis, Map.of());
    }

    private ImdsTokenSource source(URI endpoint, long retryTimeoutMillis, Map<String, String> env) {
        try {
            AgentConfig config = ConfigLoader.load("endpoint=" + endpoint + ",connect_timeout_ms=1000,"
                    + "read_timeout_ms=1000,retry_timeout_ms=" + retryTimeoutMillis, k -> null, Map.of());
            return new ImdsTokenSource(new SourceContext(config, env, k -> null, now::get, backoff,
                    new ResponseDeadline(Thread::new), null));
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    private static String token(String value) {
        return "{\"access_token\":\"" + value + "\",\"expires_in\":\"3599\",\"token_type\":\"Bearer\"}";
    }

    @Test
    void sendsTheImdsRequest() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(token("t1"))));
        TokenRequest request = TokenRequest.forResource("https://vault.azure.net", Identity.userAssigned(
                Identity.Kind.CLIENT_ID, "abc-123"), "https://login.example/tenant");
        AccessToken token = source(5000).fetch(request);

        assertEquals("t1", token.value());
        assertEquals(now.get() + 3_599_000, token.expiresAtMillis());
        server.verify(getRequestedFor(urlPathEqualTo(PATH)).withQueryParam("api-version", equalTo("2018-02-01"))
                .withQueryParam("resource", equalTo("https://vault.azure.net"))
                .withQueryParam("client_id", equalTo("abc-123"))
                .withQueryParam("authority", equalTo("https://login.example/tenant"))
                .withHeader("Metadata", equalTo("true")).withHeader("Accept", equalTo("application/json")));
        String url = server.getAllServeEvents().get(0).getRequest().getUrl();
        assertEquals(PATH + "?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net&client_id=abc-123"
                + "&authority=https%3A%2F%2Flogin.example%2Ftenant", url);
    }

    @Test
    void azureClientIdNamesTheIdentityOfRulesThatNameNone() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(token("t1"))));
        ImdsTokenSource source = source(URI.create("http://127.0.0.1:" + server.port() + PATH), 5000,
                Map.of("AZURE_CLIENT_ID", "from-env"));
        source.fetch(VAULT);
        source.fetch(TokenRequest.forResource("https://vault.azure.net", Identity.userAssigned(
                Identity.Kind.OBJECT_ID, "oid"), null));
        server.verify(1, getRequestedFor(urlPathEqualTo(PATH)).withQueryParam("client_id", equalTo("from-env")));
        server.verify(1, getRequestedFor(urlPathEqualTo(PATH)).withQueryParam("object_id", equalTo("oid"))
                .withoutQueryParam("client_id"));
    }

    @Test
    void aScopeThatIsNotADefaultScopeCannotGoToAManagedIdentityEndpoint() {
        ImdsTokenSource source = source(5000);
        assertEquals(null, source.unsupported(new TokenRequest(null, "https://vault.azure.net/.default",
                Identity.SYSTEM_ASSIGNED, null)));
        assertTrue(source.unsupported(new TokenRequest(null, "api://x/read", Identity.SYSTEM_ASSIGNED, null))
                .startsWith("scope api://x/read is not <resource>/.default"));
    }

    @Test
    void neverGoesThroughAProxy() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(token("direct"))));
        String host = System.getProperty("http.proxyHost");
        String port = System.getProperty("http.proxyPort");
        String nonProxyHosts = System.getProperty("http.nonProxyHosts");
        try (ServerSocket deadProxy = new ServerSocket(0)) {
            System.setProperty("http.proxyHost", "127.0.0.1");
            System.setProperty("http.proxyPort", Integer.toString(deadProxy.getLocalPort()));
            // The JDK's default non-proxy list holds 127.*, which would make this test pass whatever the source did.
            System.setProperty("http.nonProxyHosts", "nothing.invalid");
            assertEquals("direct", source(1000).fetch(VAULT).value());
        } finally {
            restore("http.proxyHost", host);
            restore("http.proxyPort", port);
            restore("http.nonProxyHosts", nonProxyHosts);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @ParameterizedTest(name = "HTTP {0} then success")
    @ValueSource(ints = {404, 408, 410, 429, 500, 502, 503, 504})
    void transientStatusesAreRetried(int status) throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(status)).willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("s").whenScenarioStateIs("ok")
                .willReturn(okJson(token("after"))));
        assertEquals("after", source(30000).fetch(VAULT).value());
        assertEquals(1, delays.size());
        assertTrue(delays.get(0) >= 1000 && delays.get(0) <= 1250, delays.toString());
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")).willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("s").whenScenarioStateIs("ok")
                .willReturn(okJson(token("after"))));
        source(30000).fetch(VAULT);
        assertEquals(List.of(7000L), delays);
    }

    @ParameterizedTest(name = "HTTP {0} is final")
    @ValueSource(ints = {400, 401, 403})
    void clientErrorsAreNotRetried(int status) {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(status).withBody(
                "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}")));
        TokenException e = assertThrows(TokenException.class, () -> source(30000).fetch(VAULT));
        assertEquals("IMDS http://127.0.0.1:" + server.port() + PATH + ": HTTP " + status
                + " invalid_request: Identity not found (resource https://vault.azure.net (system-assigned identity))",
                e.getMessage());
        assertFalse(e.isRetryable());
        assertEquals(1, server.getAllServeEvents().size());
    }

    @Test
    void aBadTokenResponseNamesTheEndpointOnce() {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson("{\"expires_in\":60}")));
        TokenException e = assertThrows(TokenException.class, () -> source(30000).fetch(VAULT));
        assertEquals("IMDS http://127.0.0.1:" + server.port() + PATH + ": response has no access_token"
                + " (resource https://vault.azure.net (system-assigned identity))", e.getMessage());
    }

    @Test
    void givesUpWithinTheRetryTimeoutSayingHowOftenItTried() {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(503).withBody("busy")));
        TokenException e = assertThrows(TokenException.class, () -> source(10000).fetch(VAULT));
        // waits of 1, 2 and 4 s (plus up to 25 % jitter), then what is left of the 10 s for a last attempt
        assertTrue(e.getMessage().contains(": gave up after 5 attempts in 10.0 s: "), e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 503 (a body that is not a JSON object: 4 bytes, sha256:"),
                e.getMessage());
        assertTrue(e.isRetryable());
        assertEquals(5, server.getAllServeEvents().size());
        assertEquals(10_000, delays.stream().mapToLong(Long::longValue).sum(), delays.toString());
    }

    @Test
    void goneKeepsRetryingForSeventySeconds() {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(410)));
        TokenException e = assertThrows(TokenException.class, () -> source(5000).fetch(VAULT));
        long waited = delays.stream().mapToLong(Long::longValue).sum();
        assertEquals(70_000, waited, "the last attempt is made 70 s after the first: " + delays);
        assertTrue(e.getMessage().contains("in 70.0 s: HTTP 410"), e.getMessage());
    }

    @Test
    void aRetryAfterLongerThanTheBudgetEndsTheFetchAtOnce() {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(429).withHeader("Retry-After",
                "60")));
        TokenException e = assertThrows(TokenException.class, () -> source(10000).fetch(VAULT));
        assertEquals(List.of(), delays);
        assertTrue(e.getMessage().contains("HTTP 429"), e.getMessage());
        assertTrue(e.isRetryable());
    }

    @Test
    void aTricklingResponseIsCutOffAtTheReadTimeout() {
        // 20 chunks over 8 s: every read gets a byte well within the 1 s read timeout, the response never ends in it
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(token("slow-" + "x".repeat(200)))
                .withChunkedDribbleDelay(20, 8000)));
        long started = System.nanoTime();
        TokenException e = assertThrows(TokenException.class, () -> source(500).fetch(VAULT));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(e.getMessage().contains("gave up after 2 attempts")
                && e.getMessage().contains("timed out: no complete response within 1000 ms (read_timeout_ms)"),
                e.getMessage());
        assertTrue(millis < 4000, "two attempts of 1 s each took " + millis + " ms");
    }

    @Test
    void connectionRefusedIsRetriedThenReported() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ImdsTokenSource source = source(URI.create("http://127.0.0.1:" + closedPort + PATH), 2500);
        TokenException e = assertThrows(TokenException.class, () -> source.fetch(VAULT));
        assertTrue(e.getMessage().contains("gave up after 3 attempts") && e.getMessage().contains("cannot connect"),
                e.getMessage());
    }

    @Test
    void readTimeoutIsRetryable() {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(token("slow")).withFixedDelay(1500)));
        TokenException e = assertThrows(TokenException.class, () -> source(500).fetch(VAULT));
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertTrue(e.isRetryable());
    }

    @Test
    void oversizedResponseIsRefused() {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson("{\"x\":\"" + "a".repeat(70_000) + "\"}")));
        TokenException e = assertThrows(TokenException.class, () -> source(5000).fetch(VAULT));
        assertTrue(e.getMessage().contains("response larger than 65536 bytes"), e.getMessage());
    }

    @Test
    void theTokenNeverAppearsInAnError() {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(
                "{\"access_token\":\"SUPER-SECRET-TOKEN\",\"expires_in\":\"x\"}")));
        TokenException e = assertThrows(TokenException.class, () -> source(5000).fetch(VAULT));
        assertFalse(e.getMessage().contains("SUPER-SECRET"), e.getMessage());
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson("{\"access_token\":\"SUPER-SECRET-TOKEN\"}")));
        e = assertThrows(TokenException.class, () -> source(5000).fetch(VAULT));
        assertFalse(e.getMessage().contains("SUPER-SECRET"), e.getMessage());
    }
}
