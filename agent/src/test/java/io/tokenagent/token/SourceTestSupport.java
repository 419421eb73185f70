package io.tokenagent.token;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.tokenagent.config.AgentConfig;
import io.tokenagent.config.ConfigException;
import io.tokenagent.config.ConfigLoader;
import io.tokenagent.config.Identity;
import io.tokenagent.config.SourceKind;
import io.tokenagent.config.TokenRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A WireMock stand-in for a managed-identity endpoint, a clock the recording backoff moves forward (retries are
 * tested without waiting), and sources built by {@link TokenSources} from an environment the test gives.
 */
abstract class SourceTestSupport {

    static final String PATH = "/msi/token";
    static final String RESOURCE = "https://vault.azure.net";
    static final TokenRequest VAULT = TokenRequest.forResource(RESOURCE, Identity.SYSTEM_ASSIGNED, null);

    WireMockServer server;
    final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    final List<Long> delays = new ArrayList<>();
    final Map<String, String> env = new HashMap<>();
    final Map<String, String> properties = new HashMap<>();
    private final Backoff backoff = new Backoff(1000, 16000) {
        @Override
        void sleep(long millis) {
            delays.add(millis);
            now.addAndGet(millis);
        }
    };

    @BeforeEach
    void startServer() {
        server = new WireMockServer(serverOptions());
        server.start();
    }

    com.github.tomakehurst.wiremock.core.WireMockConfiguration serverOptions() {
        return options().dynamicPort().bindAddress("127.0.0.1");
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.port() + PATH;
    }

    TokenSource source(SourceKind kind) throws ConfigException {
        // Timeouts generous enough that a slow first answer from WireMock on a busy machine is not retried.
        AgentConfig config = ConfigLoader.load("connect_timeout_ms=5000,read_timeout_ms=5000,retry_timeout_ms=10000",
                k -> null, Map.of());
        return TokenSources.create(kind, new SourceContext(config, env, properties::get, now::get, backoff,
                new ResponseDeadline(Thread::new), null));
    }

    String configError(SourceKind kind) {
        return assertThrows(ConfigException.class, () -> source(kind)).getMessage();
    }

    static TokenRequest withIdentity(Identity.Kind kind, String value) {
        return TokenRequest.forResource(RESOURCE, Identity.userAssigned(kind, value), null);
    }

    /** An App Service style answer: {@code expires_on} only, as a string. */
    static String expiresOnJson(String token, String expiresOn) {
        return "{\"access_token\":\"" + token + "\",\"expires_on\":\"" + expiresOn + "\",\"resource\":\"" + RESOURCE
                + "\",\"token_type\":\"Bearer\"}";
    }

    /** An expiry an hour after the test clock's now, in epoch seconds. */
    long inAnHour() {
        return now.get() / 1000 + 3600;
    }
}
