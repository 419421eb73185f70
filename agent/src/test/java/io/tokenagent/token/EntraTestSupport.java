package io.tokenagent.token;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tokenagent.config.AgentConfig;
import io.tokenagent.config.ConfigException;
import io.tokenagent.config.ConfigLoader;
import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A WireMock stand-in for Entra ID's login endpoint, and a source context pointed at it. */
abstract class EntraTestSupport {

    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String CLIENT_ID = "11111111-2222-3333-4444-555555555555";
    static final String TOKEN_PATH = "/" + TENANT + "/oauth2/v2.0/token";
    static final TokenRequest VAULT = TokenRequest.forResource("https://vault.azure.net", Identity.SYSTEM_ASSIGNED,
            null);

    WireMockServer server;
    final Map<String, String> env = new HashMap<>();
    final Map<String, String> properties = new HashMap<>();
    final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    final List<Long> delays = new ArrayList<>();
    final Backoff backoff = new Backoff(1000, 16000) {
        @Override
        void sleep(long millis) {
            delays.add(millis);
            now.addAndGet(millis);
        }
    };

    @BeforeEach
    void startServer() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        env.put("AZURE_TENANT_ID", TENANT);
        env.put("AZURE_CLIENT_ID", CLIENT_ID);
        env.put("AZURE_AUTHORITY_HOST", authority());
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    String authority() {
        return "http://127.0.0.1:" + server.port() + "/";
    }

    SourceContext context(long retryTimeoutMillis) {
        return context(retryTimeoutMillis, backoff);
    }

    SourceContext context(long retryTimeoutMillis, Backoff backoff) {
        try {
            AgentConfig config = ConfigLoader.load("connect_timeout_ms=2000,read_timeout_ms=5000,retry_timeout_ms="
                    + retryTimeoutMillis, k -> null, Map.of());
            return new SourceContext(config, env, properties::get, now::get, backoff,
                    new ResponseDeadline(Thread::new), null);
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    void entraGives(String token) {
        server.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson(token))));
    }

    static String tokenJson(String token) {
        return "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"" + token
                + "\"}";
    }

    static String entraError(String error, String aadsts, String correlation) {
        return "{\"error\":\"" + error + "\",\"error_description\":\"" + aadsts + "\\r\\nTrace ID: t-1\\r\\n"
                + "Correlation ID: " + correlation + "\\r\\nTimestamp: 2026-12-05 01:00:00Z\",\"error_codes\":[7000215],"
                + "\"timestamp\":\"2026-12-05 01:00:00Z\",\"trace_id\":\"t-1\",\"correlation_id\":\"" + correlation
                + "\"}";
    }

    /** The form fields of a logged request, decoded, in order. */
    static Map<String, String> form(LoggedRequest request) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }

    List<Map<String, String>> forms() {
        return server.getAllServeEvents().stream().map(e -> e.getRequest())
                .sorted((a, b) -> a.getLoggedDate().compareTo(b.getLoggedDate())).map(EntraTestSupport::form)
                .toList();
    }
}
