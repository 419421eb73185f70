package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every client must do with the agent (issue 4), for one client family: each test runs the family's test
 * application, unchanged but for the class path, on each tested version and each JDK. A family's {@code *IT}
 * names its versions, its application and the ways that application calls the client (blocking, a callback...);
 * tests only some clients need (an event loop kept free) stay in the family's class.
 *
 * <p>The applications take the same options: URLs, {@code --header Name:Value}, {@code --threads N}, and print
 * {@code STATUS <code> <body>} or {@code ERROR <exception class>: <message> <- <cause's message>...} per request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClientContract extends AgentTestSupport {

    /** The tested versions: modules of {@code integration-tests/clients}. */
    abstract List<String> versions();

    /** The test application's main class for a version. */
    abstract String appFor(String version);

    /**
     * The ways the application can call the client, as its options (the first is the default), each with the
     * exception class the client's API gives the application when the agent cannot have a token.
     */
    abstract List<Mode> modes();

    record Mode(List<String> options, String errorType) {
        static Mode of(String errorType, String... options) {
            return new Mode(List.of(options), errorType);
        }
    }

    Stream<Arguments> jdkAndVersion() {
        return Jdk.all().stream().flatMap(jdk -> testedVersions().stream().map(v -> Arguments.of(jdk, v)));
    }

    /** {@link #versions()}, or under the quick profile the newest of each family. */
    List<String> testedVersions() {
        return Quick.ON ? Quick.newestPerFamily(versions()) : versions();
    }

    AgentJvm app(Jdk jdk, String version, String agentArgs) {
        return onClient(jdk, version).agentArgs(agentArgs).mainClass(appFor(version));
    }

    private static String[] args(Mode mode, String... rest) {
        List<String> all = new ArrayList<>(mode.options());
        all.addAll(List.of(rest));
        return all.toArray(new String[0]);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkAndVersion")
    void matchedUrlsOnlyAndEveryRedirectHopOnItsOwnUrl(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-hops", 3600);
        api.stubFor(get(urlPathEqualTo("/api/to-other")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", otherUrl("/landing"))));
        other.stubFor(get(urlPathEqualTo("/start")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl("/api/target"))));
        api.stubFor(get(urlPathEqualTo("/api/to-public")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", apiUrl("/public/page"))));
        // A header clients never drop on redirects themselves, unlike Authorization across hosts: only the agent
        // keeps it off the hops that must not carry it.
        for (Mode mode : modes()) { // each calling mode: OkHttp's enqueue strips hops on another path than execute
            for (var server : List.of(api, other, tokens)) {
                server.resetRequests();
            }
            AgentJvm.Result result = app(jdk, version, ruleFor("/api", "header=X-Api-Token", "prefix=")).run(
                    args(mode, apiUrl("/api/orders"), apiUrl("/other"), apiUrl("/api/to-other"),
                            otherUrl("/start"), apiUrl("/api/to-public")));
            assertEquals(5, result.responses().stream().filter(l -> l.startsWith("STATUS 200")).count(),
                    result.toString());
            assertEquals(List.of("token-hops"), received(api, "/api/orders", "X-Api-Token"));
            assertEquals(Collections.singletonList(null), received(api, "/other", "X-Api-Token"));
            assertEquals(List.of("token-hops"), received(api, "/api/to-other", "X-Api-Token"));
            assertEquals(Collections.singletonList(null), received(other, "/landing", "X-Api-Token"));
            assertEquals(Collections.singletonList(null), received(other, "/start", "X-Api-Token"));
            assertEquals(List.of("token-hops"), received(api, "/api/target", "X-Api-Token"));
            assertEquals(List.of("token-hops"), received(api, "/api/to-public", "X-Api-Token"));
            assertEquals(Collections.singletonList(null), received(api, "/public/page", "X-Api-Token"));
            assertEquals(1, tokenCalls());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkAndVersion")
    void theApplicationsHeaderIsKeptUnlessOverwrite(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-own", 3600);
        app(jdk, version, ruleFor("/api")).run(args(modes().get(0), "--header", "Authorization:Basic eHl6",
                apiUrl("/api/kept")));
        app(jdk, version, ruleFor("/api", "overwrite=true")).run(args(modes().get(0), "--header",
                "Authorization:Basic eHl6", apiUrl("/api/replaced")));

        assertEquals(List.of("Basic eHl6"), received(api, "/api/kept", "Authorization"));
        assertEquals(List.of("Bearer token-own"), received(api, "/api/replaced", "Authorization"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkAndVersion")
    void concurrentFirstRequestsCauseOneTokenFetchInEveryMode(Jdk jdk, String version) throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenJson("token-shared", 3600))
                .withFixedDelay(300)));
        for (int m = 0; m < modes().size(); m++) {
            String path = "/api/data-" + m;
            AgentJvm.Result result = app(jdk, version, ruleFor("/api")).run(args(modes().get(m), "--threads", "20",
                    apiUrl(path)));

            assertEquals(20, result.responses().stream().filter(l -> l.startsWith("STATUS 200")).count(),
                    result.toString());
            assertEquals(Collections.nCopies(20, "Bearer token-shared"), received(api, path, "Authorization"));
        }
        assertEquals(modes().size(), tokenCalls(), "one per application run");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkAndVersion")
    void failClosedThroughTheClientsOwnErrorInEveryModeAndProceedWithout(Jdk jdk, String version)
            throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}")));
        for (Mode mode : modes()) {
            api.resetRequests();
            String line = assertFailedClosedWith(app(jdk, version, ruleFor("/api")).run(args(mode,
                    apiUrl("/api/data"))));
            assertTrue(line.startsWith("ERROR " + mode.errorType() + ": "), mode + ": " + line);
            assertTrue(line.contains("HTTP 400 invalid_request: Identity not found"), line);
        }

        AgentJvm.Result proceed = app(jdk, version, ruleFor("/api", "on_failure=proceed")).run(args(modes().get(0),
                apiUrl("/api/data")));
        assertEquals(1, proceed.responses().size(), proceed.toString());
        assertTrue(proceed.responses().get(0).startsWith("STATUS 200"), proceed.toString());
        assertEquals(Collections.singletonList(null), received(api, "/api/data", "Authorization"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdkAndVersion")
    void aClientInAWebApplicationsOwnClassLoaderGetsItsToken(Jdk jdk, String version) throws Exception {
        tokenEndpointGives("token-webapp", 3600);
        AgentJvm.Result result = asWebApplication(AgentJvm.on(jdk).agentArgs(ruleFor("/api")), version, "/api/webapp");

        assertEquals(1, result.responses().size(), result.toString());
        assertTrue(result.responses().get(0).startsWith("STATUS 200"), result.toString());
        assertEquals(List.of("Bearer token-webapp"), received(api, "/api/webapp", "Authorization"));
    }

    Stream<Arguments> versionOnTheBuildJdk() {
        return testedVersions().stream().map(v -> Arguments.of(Jdk.all().get(0), v));
    }

    /**
     * Three deployments of the application, each in a loader dropped afterwards, as a container redeploys it; then
     * how many of those loaders the garbage collector reclaimed, with the agent and without it. Many clients keep
     * their loader alive by themselves (OkHttp's watchdog thread, Netty's thread-locals and global executors, Jetty
     * 12.0.0's): there the comparison can only show the agent adds nothing; where the client lets go (Apache,
     * Jetty 9.4 to 11 and 12.1, Vert.x 4.0), it shows the agent does too. On the build's JDK only: two JVMs a case.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versionOnTheBuildJdk")
    void aRedeployedWebApplicationsLoaderIsKeptNoLongerThanWithoutTheAgent(Jdk jdk, String version)
            throws Exception {
        Quick.skip("no redeploy cases");
        tokenEndpointGives("token-webapp", 3600);
        AgentJvm.Result without = redeployed(AgentJvm.on(jdk).withoutAgent(), version, "/api/plain");
        // 0 >= 0 would pass whatever the agent kept: nothing to compare where the client keeps its loader itself.
        assumeTrue(collected(without) > 0, version + " keeps its own loader without the agent (" + without
                .linesStarting("LOADERS") + "): the comparison cannot show what the agent keeps");
        AgentJvm.Result with = redeployed(AgentJvm.on(jdk).agentArgs(ruleFor("/api")), version, "/api/webapp");

        assertEquals(Collections.nCopies(3, "Bearer token-webapp"), received(api, "/api/webapp", "Authorization"));
        assertTrue(collected(with) >= collected(without), "with the agent: " + with.linesStarting("LOADERS")
                + ", without: " + without.linesStarting("LOADERS") + "\n" + with);
    }

    /** The application run in a child-first loader of its own, as a servlet container runs a web application. */
    AgentJvm.Result asWebApplication(AgentJvm jvm, String version, String path) throws Exception {
        return jvm.mainClass("io.tokenagent.it.apps.ChildFirstLauncher")
                .run(clientJars(version).getPath(), appFor(version), apiUrl(path));
    }

    /** The application deployed three times, each in a loader dropped afterwards; each deployment's GET got 200. */
    AgentJvm.Result redeployed(AgentJvm jvm, String version, String path) throws Exception {
        AgentJvm.Result result = asWebApplication(jvm.jvmArg("-Dlauncher.deployments=3"), version, path);
        assertEquals(Collections.nCopies(3, "STATUS 200 ok"), result.responses(), result.toString());
        return result;
    }

    /** From the launcher's {@code LOADERS collected <k>/<n>}. */
    static int collected(AgentJvm.Result result) {
        String line = result.linesStarting("LOADERS collected ").get(0);
        return Integer.parseInt(line.substring(0, line.indexOf('/')).trim());
    }
}
