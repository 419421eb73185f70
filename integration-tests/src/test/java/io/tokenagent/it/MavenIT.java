package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stock Apache Maven, a legacy application nobody here wrote, with the agent in {@code MAVEN_OPTS}: it resolves a
 * dependency from a private repository that answers 401 without the rule's token. Maven 3.8 downloads through
 * wagon-http-shaded (Apache HttpClient 4.5 relocated to {@code org.apache.maven.wagon.providers.http.httpclient});
 * 3.9 through maven-resolver's transport on an unrelocated HttpClient 4.5. Plugins come from the build's own local
 * repository, read as a file repository; the artifact is resolved into a fresh local repository. Without the
 * agent the same build fails (on the running JDK only: Maven's start-up is slow).
 */
class MavenIT extends AgentTestSupport {

    private static final String ARTIFACT = "/repo/com/example/vendor-thing/1.0/vendor-thing-1.0";
    private static final String TOKEN = "token-maven";
    /** The build's local repository has no checksum files; the private one answers 404 for them. */
    private static final String NO_CHECKSUMS = "<releases><checksumPolicy>ignore</checksumPolicy></releases>";

    static Stream<Arguments> jdkAndMaven() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("3.8.8", "3.9.16").map(v -> Arguments.of(jdk, v)));
    }

    static Stream<String> mavens() {
        return Stream.of("3.8.8", "3.9.16");
    }

    @ParameterizedTest(name = "{0} Maven {1}")
    @MethodSource("jdkAndMaven")
    void mavenResolvesFromAPrivateRepositoryWithTheAgentsToken(Jdk jdk, String version) throws Exception {
        jdk.assumeAvailable();
        Run run = resolve(jdk, version, true);

        assertEquals(0, run.exitCode, run.output);
        assertTrue(run.output.contains("BUILD SUCCESS"), run.output);
        assertEquals(List.of("Bearer " + TOKEN), received(api, ARTIFACT + ".jar", "Authorization"), run.output);
        assertTrue(Files.isRegularFile(run.localRepository.resolve(ARTIFACT.replace("/repo/", "") + ".jar")),
                run.output);
        assertTrue(run.output.lines().noneMatch(l -> l.startsWith("token-agent: WARN")), run.output);
    }

    @ParameterizedTest(name = "Maven {0}")
    @MethodSource("mavens")
    void withoutTheAgentTheSameBuildFails(String version) throws Exception {
        Quick.skip("Maven starts slowly");
        Run run = resolve(Jdk.all().get(0), version, false);

        assertNotEquals(0, run.exitCode, run.output);
        assertTrue(run.output.contains("401"), run.output);
        assertEquals(0, tokenCalls());
    }

    private record Run(int exitCode, String output, Path localRepository) {
    }

    private static Run resolve(Jdk jdk, String version, boolean withAgent) throws Exception {
        tokenEndpointGives(TOKEN, 3600);
        api.stubFor(get(urlPathMatching("/repo/.*")).atPriority(5).willReturn(aResponse().withStatus(401)
                .withHeader("WWW-Authenticate", "Bearer")));
        api.stubFor(get(urlPathMatching("/repo/.*")).atPriority(4)
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)).willReturn(aResponse().withStatus(404)));
        api.stubFor(get(urlPathEqualTo(ARTIFACT + ".pom")).atPriority(3)
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)).willReturn(aResponse().withStatus(200)
                        .withBody("<project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId>"
                                + "<artifactId>vendor-thing</artifactId><version>1.0</version></project>")));
        api.stubFor(get(urlPathEqualTo(ARTIFACT + ".jar")).atPriority(3)
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)).willReturn(aResponse().withStatus(200)
                        .withBody(new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})));

        Path project = Path.of("target", "maven-it", version + (withAgent ? "-agent-" : "-bare-") + jdk.name())
                .toAbsolutePath();
        deleteTree(project);
        Files.createDirectories(project);
        Path localRepository = project.resolve("local-repository");
        Files.writeString(project.resolve("pom.xml"), "<project><modelVersion>4.0.0</modelVersion>"
                + "<groupId>io.tokenagent.it</groupId><artifactId>maven-app</artifactId><version>1</version>"
                + "<dependencies><dependency><groupId>com.example</groupId><artifactId>vendor-thing</artifactId>"
                + "<version>1.0</version></dependency></dependencies></project>");
        String plugins = Path.of(System.getProperty("maven.repo.local",
                System.getProperty("user.home") + "/.m2/repository")).toUri().toString();
        Files.writeString(project.resolve("settings.xml"), "<settings><profiles><profile><id>it</id>"
                + "<repositories><repository><id>central</id><url>" + plugins + "</url>" + NO_CHECKSUMS
                + "</repository>"
                + "<repository><id>private</id><url>" + apiUrl("/repo") + "</url>" + NO_CHECKSUMS
                + "</repository></repositories>"
                + "<pluginRepositories><pluginRepository><id>central</id><url>" + plugins + "</url>"
                + NO_CHECKSUMS + "</pluginRepository></pluginRepositories></profile></profiles>"
                + "<activeProfiles><activeProfile>it</activeProfile></activeProfiles></settings>");

        File mvn = new File(AgentTestSupport.clientJars("maven-" + version), "apache-maven-" + version + "/bin/mvn");
        List<String> command = new ArrayList<>(List.of(mvn.getPath(), "-B", "-ntp", "-s", "settings.xml",
                "-Dmaven.repo.local=" + localRepository,
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:resolve"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", jdk.home().toString());
        builder.environment().remove("MAVEN_ARGS");
        builder.environment().put("MAVEN_OPTS", withAgent
                ? "-javaagent:" + AgentJvm.AGENT_JAR.toAbsolutePath() + "=" + ruleFor("/repo") : "");
        Path log = project.resolve("output.txt");
        Process process = builder.redirectOutput(log.toFile()).start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("Maven " + version + " did not finish in 180 s: "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8), localRepository);
    }

    private static void deleteTree(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }
}
