package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.requestMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.matching.MatchResult;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.File;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.provider.Arguments;

/**
 * WireMock servers in the test JVM: a token endpoint speaking the IMDS protocol, and two resource servers, which
 * are two origins. Every test ends by checking that no request reached a resource carrying the header twice.
 */
public abstract class AgentTestSupport {

    static final String TOKEN_PATH = "/metadata/identity/oauth2/token";
    static final String RESOURCE = "https://resource.example";
    static final String CLIENTS_SOURCE = "io.tokenagent.it.AgentTestSupport#clients";

    static WireMockServer tokens;
    static WireMockServer api;
    static WireMockServer other;

    @BeforeAll
    static void startServers() {
        tokens = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        api = new WireMockServer(options().dynamicPort().dynamicHttpsPort().bindAddress("127.0.0.1"));
        other = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        tokens.start();
        api.start();
        other.start();
    }

    @AfterAll
    static void stopServers() {
        tokens.stop();
        api.stop();
        other.stop();
    }

    @BeforeEach
    void resetServers() {
        for (WireMockServer server : List.of(tokens, api, other)) {
            server.resetAll();
            server.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(200).withBody("ok")));
        }
        for (WireMockServer server : List.of(api, other)) {
            // As OpenTelemetry's test server: a request carrying the agent's header twice fails, so the
            // application sees it, besides the check after each test.
            server.stubFor(requestMatching(request -> MatchResult.of(AGENT_HEADERS.stream().anyMatch(
                    name -> request.getHeaders().getHeader(name).isPresent()
                            && request.getHeaders().getHeader(name).values().size() > 1))).atPriority(1)
                    .willReturn(aResponse().withStatus(400).withBody("header sent twice")));
        }
    }

    @AfterEach
    void noRequestCarriedAHeaderTwice() {
        for (WireMockServer server : List.of(api, other)) {
            for (LoggedRequest request : server.getAllServeEvents().stream().map(e -> e.getRequest()).toList()) {
                for (HttpHeader header : request.getHeaders().all()) {
                    assertTrue(header.values().size() <= 1 || !isAgentHeader(header.key()),
                            request.getUrl() + " carried " + header.key() + " " + header.values().size() + " times");
                }
            }
        }
    }

    private static final List<String> AGENT_HEADERS = List.of("Authorization", "X-Api-Token");

    private static boolean isAgentHeader(String name) {
        return AGENT_HEADERS.stream().anyMatch(name::equalsIgnoreCase);
    }

    /** Every (JDK, client) pair the tests run on. */
    static Stream<Arguments> clients() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("urlconnection", "httpclient", "httpclient-async",
                "httpclient-h2").map(client -> Arguments.of(jdk, client)));
    }

    /**
     * The directory holding a tested client version's jars, with everything they need (the module
     * {@code integration-tests/clients/<version>} copies them there).
     */
    static File clientJars(String version) {
        File dir = new File(System.getProperty("clients.dir", "clients"), version + "/target/jars");
        File[] jars = dir.listFiles();
        assertTrue(jars != null && jars.length > 0, "no client jars in " + dir + ": is " + version
                + " a module of integration-tests/clients?");
        return dir;
    }

    /** An application JVM running on a tested client version's jars. */
    static AgentJvm onClient(Jdk jdk, String version) {
        AgentJvm jvm = AgentJvm.on(jdk);
        for (File jar : clientJars(version).listFiles()) {
            jvm.classpath(jar.getPath());
        }
        return jvm;
    }

    static String endpoint() {
        return "http://127.0.0.1:" + tokens.port() + TOKEN_PATH;
    }

    static String apiUrl(String path) {
        return "http://127.0.0.1:" + api.port() + path;
    }

    static String apiHttpsUrl(String path) {
        return "https://127.0.0.1:" + api.httpsPort() + path;
    }

    static String otherUrl(String path) {
        return "http://127.0.0.1:" + other.port() + path;
    }

    /** Agent arguments for one inline rule matching {@code api}'s {@code path}, and any extra. */
    static String ruleFor(String path, String... extra) {
        StringBuilder args = new StringBuilder("endpoint=" + endpoint() + ",match=" + apiUrl(path) + ",resource="
                + RESOURCE + ",retry_timeout_ms=3000");
        for (String e : extra) {
            args.append(',').append(e);
        }
        return args.toString();
    }

    static void tokenEndpointGives(String token, int expiresInSeconds) {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson(token, expiresInSeconds))));
    }

    static String tokenJson(String token, int expiresInSeconds) {
        return "{\"access_token\":\"" + token + "\",\"expires_in\":\"" + expiresInSeconds + "\",\"expires_on\":\""
                + (System.currentTimeMillis() / 1000 + expiresInSeconds) + "\",\"token_type\":\"Bearer\",\"resource\":\""
                + RESOURCE + "\"}";
    }

    static int tokenCalls() {
        return tokens.findAll(getRequestedFor(urlPathEqualTo(TOKEN_PATH))).size();
    }

    /** The values of a header on the requests a server received for a path, in order; null where absent. */
    static List<String> received(WireMockServer server, String path, String header) {
        return server.findAll(anyRequestedFor(urlPathEqualTo(path))).stream()
                .map(r -> r.containsHeader(header) ? r.getHeader(header) : null).toList();
    }

    /**
     * For clients that report errors wrapped in their own types: the application's one response is an error whose
     * message or causes hold the agent's error for this API's origin and resource, and nothing reached the API.
     */
    static String assertFailedClosedWith(AgentJvm.Result result) {
        assertEquals(1, result.responses().size(), result.toString());
        String line = result.responses().get(0);
        assertTrue(line.startsWith("ERROR "), line);
        assertTrue(line.contains("token-agent: no token for http://127.0.0.1:" + api.port() + " (resource " + RESOURCE),
                line);
        assertEquals(0, api.getAllServeEvents().size(), "the request must not go out");
        return line;
    }

    /**
     * Checks the application's one response is the agent's fail-closed error, naming the origin and the resource,
     * and that the request never reached the API. Returns the line, for the cause to be checked.
     */
    static String assertFailedClosed(AgentJvm.Result result) {
        assertEquals(1, result.responses().size(), result.toString());
        String line = result.responses().get(0);
        assertTrue(line.startsWith("ERROR java.io.IOException: token-agent: ")
                || line.startsWith("ERROR java.net.ConnectException: token-agent: "), line);
        assertTrue(line.contains("http://127.0.0.1:" + api.port()), line);
        assertTrue(line.contains(RESOURCE), line);
        assertEquals(0, api.getAllServeEvents().size(), "the request must not go out");
        return line;
    }

    /**
     * Redaction: no secret (a token, an identity header's value, a client secret or assertion, a key), nor any eight
     * characters in a row of one (the whole of a shorter one), is in what the application printed or the agent
     * logged.
     */
    static void assertNoSecret(AgentJvm.Result result, String... secrets) {
        String output = result.stdout() + result.stderr();
        for (int s = 0; s < secrets.length; s++) {
            int window = Math.min(8, secrets[s].length());
            for (int i = 0; i + window <= secrets[s].length(); i++) {
                assertFalse(output.contains(secrets[s].substring(i, i + window)), "the output shows part of secret #"
                        + s + ":\n" + result);
            }
        }
    }

    /** A figure of the suite: asserted by the test, and printed for README's "What it survives" table. */
    static void figure(String name, String value) {
        System.out.println("FIGURE " + name + ": " + value);
    }
}
