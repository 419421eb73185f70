package io.tokenagent.token;

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
import io.tokenagent.config.Identity;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImdsTokenSourceTest {

    private static final String PATH = "/metadata/identity/oauth2/token";
    private static final TokenRequest VAULT = new TokenRequest("https://vault.azure.net", Identity.SYSTEM_ASSIGNED,
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
        return new ImdsTokenSource(URI.create("http://127.0.0.1:" + server.port() + PATH), "2018-02-01", 1000, 1000,
                retryTimeoutMillis, now::get, backoff);
    }

    private static String token(String value) {
        return "{\"access_token\":\"" + value + "\",\"expires_in\":\"3599\",\"token_type\":\"Bearer\"}";
    }

    @Test
    void sendsTheImdsRequest() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(token("t1"))));
        TokenRequest request = new TokenRequest("https://vault.azure.net", Identity.userAssigned(
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
    void neverGoesThroughAProxy() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(token("direct"))));
        String host = System.getProperty("http.proxyHost");
        String port = System.getProperty("http.proxyPort");
        try (ServerSocket deadProxy = new ServerSocket(0)) {
            System.setProperty("http.proxyHost", "127.0.0.1");
            System.setProperty("http.proxyPort", Integer.toString(deadProxy.getLocalPort()));
            assertEquals("direct", source(1000).fetch(VAULT).value());
        } finally {
            restore("http.proxyHost", host);
            restore("http.proxyPort", port);
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
    void givesUpWithinTheRetryTimeoutSayingHowOftenItTried() {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(503).withBody("busy")));
        TokenException e = assertThrows(TokenException.class, () -> source(10000).fetch(VAULT));
        // waits of 1, 2 and 4 s (plus up to 25 % jitter) fit in 10 s; the next, 8 s, would not
        assertTrue(e.getMessage().contains(": gave up after 4 attempts in "), e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 503 body: busy"), e.getMessage());
        assertTrue(e.isRetryable());
        assertEquals(4, server.getAllServeEvents().size());
        assertEquals(3, delays.size());
    }

    @Test
    void goneKeepsRetryingForSeventySeconds() {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(410)));
        assertThrows(TokenException.class, () -> source(5000).fetch(VAULT));
        long waited = delays.stream().mapToLong(Long::longValue).sum();
        assertTrue(waited >= 50_000 && waited <= 70_000, "waited " + waited + " ms: " + delays);
    }

    @Test
    void connectionRefusedIsRetriedThenReported() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ImdsTokenSource source = new ImdsTokenSource(URI.create("http://127.0.0.1:" + closedPort + PATH),
                "2018-02-01", 1000, 1000, 2500, now::get, backoff);
        TokenException e = assertThrows(TokenException.class, () -> source.fetch(VAULT));
        assertTrue(e.getMessage().contains("gave up after 2 attempts") && e.getMessage().contains("cannot connect"),
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
