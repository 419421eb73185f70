package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A request an asynchronous client's hook holds while its first token is fetched, when the client can no longer
 * take it once the token has arrived: the application's future or callback gets an error, and never waits forever.
 * Each client is made to throw at the hook's re-entry in a way it allows.
 */
class HeldRequestIT extends AgentTestSupport {

    static Stream<Jdk> jdks() {
        return Jdk.all().stream();
    }

    private static void tokenArrivesAfter(int millis) {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-late", 3600))
                .withFixedDelay(millis)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void apacheAsync4ClosedWhileTheTokenIsFetchedFailsTheCallback(Jdk jdk) throws Exception {
        // 4.1.0 throws at execute on a closed client (Asserts.check); 4.1.5 returns a cancelled request instead,
        // so only 4.1.0 shows what the hook does with a re-entry that throws.
        tokenArrivesAfter(1500);
        AgentJvm.Result result = onClient(jdk, "apache-async-4.1").agentArgs(ruleFor("/api"))
                .mainClass("io.tokenagent.it.apps.ApacheAsync4App").timeoutSeconds(30)
                .run("--handler", "--close-after", "300", apiUrl("/api/held"));

        assertEquals(1, result.responses().size(), result.toString());
        assertTrue(result.responses().get(0).startsWith("ERROR java.io.IOException: token-agent: "
                + "java.lang.IllegalStateException"), result.toString());
        assertEquals(List.of(), api.getAllServeEvents(), "nothing was sent");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void javaNetHttpExecutorRejectingOnceTheTokenArrivesFailsTheFuture(Jdk jdk) throws Exception {
        tokenArrivesAfter(1500);
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api")).mainClass("io.tokenagent.it.apps.ClientApp")
                .timeoutSeconds(30).run("httpclient-async", "--shutdown-executor-after", "300", apiUrl("/api/held"));

        assertEquals(1, result.responses().size(), result.toString());
        assertTrue(result.responses().get(0).startsWith("ERROR java.io.IOException: token-agent: "
                + "java.util.concurrent.RejectedExecutionException"), result.toString());
        assertEquals(List.of(), api.getAllServeEvents(), "nothing was sent");
    }
}
