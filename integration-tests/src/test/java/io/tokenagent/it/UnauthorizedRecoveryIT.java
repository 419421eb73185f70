package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 401 recovery (issue 11), per client: a resource that refuses the first token with a Bearer challenge and accepts
 * the second. The token is fetched again with {@code bypass_cache=true}, once per 30 s; by default the application
 * sees the 401 and its next request gets the new token; with {@code retry_on_401=true} a GET is sent once more and
 * the application sees only the 200, while a POST is never sent twice (the Netty-based clients renew the token but
 * never send a request again, and say so once). A 401 without a Bearer challenge, or to a request that did not carry
 * the agent's header, changes nothing. The JDK's clients run on each JDK, the libraries on the build's.
 */
class UnauthorizedRecoveryIT extends AgentTestSupport {

    private static final String BEARER_CHALLENGE = "Bearer error=\"invalid_token\", error_description=\"expired\"";

    /** The JDK's clients, which {@code ClientApp} drives. */
    private static final List<String> JDK_CLIENTS = List.of("urlconnection", "httpclient", "httpclient-async");

    /** The clients that send a refused request once more with {@code retry_on_401}. */
    static Stream<Arguments> replayingClients() {
        List<Arguments> all = new ArrayList<>();
        for (Jdk jdk : Jdk.all()) {
            for (String client : JDK_CLIENTS) {
                all.add(Arguments.of(jdk, client));
            }
        }
        List<String> libraries = List.of("okhttp-3.12.0", "okhttp-5.5.1", "apache-4.3.6", "apache-4.5.14",
                "apache5-5.0", "apache5-5.6");
        for (String library : Quick.ON ? Quick.newestPerFamily(libraries) : libraries) {
            all.add(Arguments.of(Jdk.all().get(0), library));
        }
        return all.stream();
    }

    /** The Netty-based clients (HTTP/1.x): the token is renewed, the request never sent again. */
    static Stream<Arguments> renewingClients() {
        List<String> libraries = List.of("reactor-netty-1.0.0", "reactor-netty-1.3.8", "vertx-4.0.0", "vertx-5.1.6",
                "ahc-2.12.4", "ahc-3.0.13");
        return (Quick.ON ? Quick.newestPerFamily(libraries) : libraries).stream()
                .map(library -> Arguments.of(Jdk.all().get(0), library));
    }

    static Stream<Arguments> clients() {
        return Stream.concat(replayingClients(), renewingClients());
    }

    @BeforeEach
    void resourceRefusesTheFirstToken() {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).atPriority(5).willReturn(okJson(tokenJson("token-old", 3600))));
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).withQueryParam("bypass_cache", equalTo("true")).atPriority(4)
                .willReturn(okJson(tokenJson("token-new", 3600))));
        api.stubFor(any(urlPathEqualTo("/api/data")).withHeader("Authorization", equalTo("Bearer token-old"))
                .atPriority(3).willReturn(unauthorized(BEARER_CHALLENGE)));
        api.stubFor(any(urlPathEqualTo("/api/data")).withHeader("Authorization", equalTo("Bearer token-new"))
                .atPriority(3).willReturn(aResponse().withStatus(200).withBody("fresh")));
        api.stubFor(any(urlPathEqualTo("/api/revoked")).atPriority(3).willReturn(unauthorized(BEARER_CHALLENGE)));
        api.stubFor(any(urlPathEqualTo("/api/basic")).atPriority(3).willReturn(unauthorized("Basic realm=\"api\"")));
        api.stubFor(any(urlPathEqualTo("/public/bearer")).atPriority(3).willReturn(unauthorized("bEaReR")));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder unauthorized(String challenge) {
        return aResponse().withStatus(401).withHeader("WWW-Authenticate", challenge).withBody("refused");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("clients")
    void aBearer401RenewsTheTokenOnceAndTheNextRequestGetsIt(Jdk jdk, String client) throws Exception {
        AgentJvm.Result result = run(jdk, client, ruleFor("/api", "log_level=debug"), false, apiUrl("/api/basic"),
                apiUrl("/public/bearer"), apiUrl("/api/data"), apiUrl("/api/data"), apiUrl("/api/revoked"),
                apiUrl("/api/revoked"));

        assertEquals(List.of("STATUS 401 refused", "STATUS 401 refused", "STATUS 401 refused", "STATUS 200 fresh",
                "STATUS 401 refused", "STATUS 401 refused"), result.responses(), result.toString());
        // A Basic challenge and a request without the agent's header drop nothing; a second 401 within 30 s
        // (to the new token) fetches nothing either.
        assertEquals(List.of("Bearer token-old"), received(api, "/api/basic", "Authorization"));
        assertEquals(Collections.singletonList(null), received(api, "/public/bearer", "Authorization"));
        assertEquals(List.of("Bearer token-old", "Bearer token-new"), received(api, "/api/data", "Authorization"));
        assertEquals(List.of("Bearer token-new", "Bearer token-new"), received(api, "/api/revoked",
                "Authorization"));
        assertEquals(List.of("none", "true"), bypassCacheParameters(), "the token endpoint's calls");
        assertEquals(1, result.stderrLines().stream().filter(l -> l.contains("INFO inline rule: the resource refused "
                + "the token (sha256:")).count(), result.toString());
        assertNoSecret(result, "token-old", "token-new");
        figure("401 recovery " + jdk + " " + client, "token fetches for 6 requests (4 refused): "
                + bypassCacheParameters().size() + ", bypass_cache " + bypassCacheParameters());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("replayingClients")
    void withRetryOn401AGetIsSentOnceMoreAndAPostNever(Jdk jdk, String client) throws Exception {
        AgentJvm.Result get = run(jdk, client, ruleFor("/api", "retry_on_401=true", "log_level=debug"), false,
                apiUrl("/api/data"), apiUrl("/api/data"), apiUrl("/api/revoked"));

        assertEquals(List.of("STATUS 200 fresh", "STATUS 200 fresh", "STATUS 401 refused"), get.responses(),
                get.toString());
        assertEquals(List.of("Bearer token-old", "Bearer token-new", "Bearer token-new"),
                received(api, "/api/data", "Authorization"));
        // A resource that refuses the new token too: its 401 reaches the application, the request is not sent a
        // third time and the token is not fetched again.
        assertEquals(List.of("Bearer token-new"), received(api, "/api/revoked", "Authorization"));
        assertEquals(List.of("none", "true"), bypassCacheParameters());
        assertNoSecret(get, "token-old", "token-new");

        api.resetRequests();
        tokens.resetRequests();
        // A second POST, which waits for the renewed token: the JVM does not end before the renewal is asked for.
        AgentJvm.Result post = run(jdk, client, ruleFor("/api", "retry_on_401=true", "log_level=debug"), true,
                apiUrl("/api/data"), apiUrl("/api/data"));

        assertEquals(List.of("STATUS 401 refused", "STATUS 200 fresh"), post.responses(), post.toString());
        assertEquals(List.of("Bearer token-old", "Bearer token-new"), received(api, "/api/data", "Authorization"));
        assertEquals(List.of("none", "true"), bypassCacheParameters(), "the token is renewed all the same");
        assertNoSecret(post, "token-old", "token-new");
        figure("retry_on_401 " + jdk + " " + client, "GET: the application saw " + get.responses().get(0)
                + ", the resource 2 tries; POST: the application saw " + post.responses().get(0)
                + ", sent once");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("renewingClients")
    void withRetryOn401AClientThatCannotReplayRenewsAndSaysSoOnce(Jdk jdk, String client) throws Exception {
        AgentJvm.Result result = run(jdk, client, ruleFor("/api", "retry_on_401=true", "log_level=debug"), false,
                apiUrl("/api/data"), apiUrl("/api/data"));

        assertEquals(List.of("STATUS 401 refused", "STATUS 200 fresh"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-old", "Bearer token-new"), received(api, "/api/data", "Authorization"));
        assertEquals(List.of("none", "true"), bypassCacheParameters());
        assertEquals(1, result.stderrLines().stream()
                .filter(l -> l.contains("WARN") && l.contains("retry_on_401 is set, but netty cannot send")).count(),
                "a client that cannot replay says so once, at warn: " + result.stderr());
        assertNoSecret(result, "token-old", "token-new");
    }

    /** Each token request's {@code bypass_cache} parameter, in order; {@code none} where absent. */
    private static List<String> bypassCacheParameters() {
        List<String> values = new ArrayList<>();
        for (LoggedRequest request : tokens.findAll(getRequestedFor(urlPathEqualTo(TOKEN_PATH)))) {
            values.add(request.queryParameter("bypass_cache").isPresent()
                    ? request.queryParameter("bypass_cache").firstValue() : "none");
        }
        return values;
    }

    /** The client's test application sending each URL in turn, as GETs or as POSTs with a body. */
    private static AgentJvm.Result run(Jdk jdk, String client, String agentArgs, boolean post, String... urls)
            throws Exception {
        List<String> args = new ArrayList<>();
        AgentJvm jvm;
        if (JDK_CLIENTS.contains(client)) {
            jvm = AgentJvm.on(jdk);
            args.add(client);
            if (post) {
                // HttpURLConnection's body buffered, not streamed: a streamed one's 401 ends as HttpRetryException
                // in the JDK before any credentials are looked for, so it would not show the agent's choice.
                args.addAll(List.of("--method", "POST", "--body", "order", "--buffered-body"));
            }
        } else {
            jvm = onClient(jdk, client).mainClass(client.startsWith("okhttp") ? "io.tokenagent.it.apps.OkHttpApp"
                    : client.startsWith("apache5") ? "io.tokenagent.it.apps.Apache5ClassicApp"
                    : client.startsWith("apache") ? "io.tokenagent.it.apps.ApacheClassicApp"
                    : client.startsWith("reactor-netty") ? "io.tokenagent.it.apps.ReactorNettyApp"
                    : client.startsWith("vertx") ? "io.tokenagent.it.apps.VertxApp"
                    : "io.tokenagent.it.apps.AsyncHttpClientApp");
            if (post) {
                args.addAll(List.of("--post", "order"));
            }
            if (client.startsWith("vertx") || client.startsWith("ahc")) {
                args.add("--sequential"); // their applications send every URL at once otherwise
            }
        }
        args.addAll(List.of(urls));
        return jvm.agentArgs(agentArgs).run(args.toArray(new String[0]));
    }
}
