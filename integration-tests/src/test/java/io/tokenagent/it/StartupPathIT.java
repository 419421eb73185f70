package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenagent.it.apps.OneGetApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the agent's own start and its first token cost every JVM, seen in the JVM's class-load log: machinery that
 * the start does not need stays unloaded (each class named here cost start-up time when it was loaded: the
 * factory ~50 ms with the classes its verification pulls in, the security providers ~25 ms); the agent's classes
 * come from where README's Performance and How it works say (the boot loader, the class path when renamed, a JDK
 * 25 AOT cache), and a start that would run another jar's classes stops.
 */
class StartupPathIT extends AgentTestSupport {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenagent.it.Jdk#all")
    void aConfigFileAndTheFirstTokenLoadNoJsonFactoryNorSecurityProviderNorChangeAModule(Jdk jdk) throws Exception {
        tokenEndpointGives("token-7f3a", 3600);
        Path config = dir.resolve("rules.json");
        Files.writeString(config, "{\"endpoint\": \"" + endpoint() + "\", \"log_level\": \"warn\", \"rules\": [{"
                + "\"match\": \"" + apiUrl("/api") + "\", \"resource\": \"" + RESOURCE + "\"}]}");
        Path classes = dir.resolve("classes.log");
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("config=" + config)
                .jvmArg("-Xlog:class+load:file=" + classes).mainClass(OneGetApp.class.getName())
                .run(apiUrl("/api/x"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer token-7f3a"), received(api, "/api/x", "Authorization"));
        List<String> loaded = Files.readAllLines(classes);
        assertNotLoaded(loaded, "io.tokenagent.shaded.jackson.core.JsonFactory");
        assertNotLoaded(loaded, "java.security.MessageDigest");
        // the bridge and the HttpURLConnection hook need no module change (redefineModule bootstraps the JVM's
        // first lambdas) and no class definer (its export of jdk.internal.misc is one)
        assertNotLoaded(loaded, "io.tokenagent.definer.InternalUnsafeDefiner");
        assertEquals(List.of(), loaded.stream()
                .filter(line -> line.contains(" sun.instrument.InstrumentationImpl$$Lambda")).toList(),
                "Instrumentation.redefineModule was called");
        // the configuration file is read before main; the JDK may open a file channel of its own later
        int main = loaded.indexOf(loaded.stream().filter(line -> line.contains(" " + OneGetApp.class.getName() + " "))
                .findFirst().orElseThrow());
        assertNotLoaded(loaded.subList(0, main), "java.nio.channels.FileChannel");
        // nor is a resource looked up (the JDK's runtime image opened in Java, the agent jar through the class path)
        assertNotLoaded(loaded.subList(0, main), "jdk.internal.jimage.ImageReaderFactory");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenagent.it.Jdk#all")
    void theDefaultLevelsTokenLineFingerprintsTheTokenWithoutTheSecurityProviders(Jdk jdk) throws Exception {
        tokenEndpointGives("token-7f3a", 3600);
        Path classes = dir.resolve("classes.log");
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api"))
                .jvmArg("-Xlog:class+load:file=" + classes).mainClass(OneGetApp.class.getName())
                .run(apiUrl("/api/x"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        byte[] sha256 = MessageDigest.getInstance("SHA-256").digest("token-7f3a".getBytes(StandardCharsets.UTF_8));
        String fingerprint = "sha256:" + HexFormat.of().formatHex(sha256, 0, 4);
        assertEquals(1, result.stderrLines().stream().filter(line -> line.contains("INFO token for")
                && line.endsWith(fingerprint)).count(), result.toString());
        assertNotLoaded(Files.readAllLines(classes), "java.security.MessageDigest");
    }

    /**
     * Named {@code token-agent.jar}, the agent's classes load through the boot loader (its manifest's
     * {@code Boot-Class-Path}); named otherwise, through the system class path as any agent's. Either way the
     * request gets its token, and nothing but the agent's own lines reaches stderr (no JVM warning).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenagent.it.Jdk#all")
    void underItsOwnNameTheAgentLoadsThroughTheBootLoaderAndRenamedThroughTheClassPath(Jdk jdk) throws Exception {
        tokenEndpointGives("token-7f3a", 3600);
        Path named = Files.createDirectories(dir.resolve("named")).resolve("token-agent.jar");
        Path renamed = Files.createDirectories(dir.resolve("renamed")).resolve("token-agent-0.1.jar");
        Files.copy(AgentJvm.AGENT_JAR, named);
        Files.copy(AgentJvm.AGENT_JAR, renamed);
        for (Path jar : List.of(named, renamed)) {
            Path classes = dir.resolve(jar.getParent().getFileName() + ".log");
            AgentJvm.Result result = AgentJvm.on(jdk).agentJar(jar).agentArgs(ruleFor("/api"))
                    .jvmArg("-Xlog:class+load:file=" + classes).mainClass(OneGetApp.class.getName())
                    .run(apiUrl("/api/x"));

            assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
            assertEquals(List.of(), result.stderrLines().stream().filter(line -> !line.startsWith("token-agent: INFO"))
                    .toList(), result.toString());
            String source = (jar == named ? "source: " : "source: file:") + jar.toRealPath();
            List<String> loaded = Files.readAllLines(classes);
            for (String agentClass : List.of("io.tokenagent.agent.TokenAgent", "io.tokenagent.cache.TokenCache",
                    "io.tokenagent.shaded.jackson.core.JsonParser")) {
                assertEquals(1, loaded.stream().filter(line -> line.contains(" " + agentClass + " ")
                        && line.endsWith(source)).count(), agentClass + " from " + source);
            }
        }
        assertEquals(List.of("Bearer token-7f3a", "Bearer token-7f3a"), received(api, "/api/x", "Authorization"));
    }

    /**
     * Every token-agent jar loads the {@code token-agent.jar} beside it first: given another one's name in the same
     * directory, the JVM would run that file's classes, perhaps another version's. It stops before {@code main}
     * with one line instead.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenagent.it.Jdk#all")
    void anotherTokenAgentJarBesideTheNamedOneStopsTheJvmBeforeMain(Jdk jdk) throws Exception {
        tokenEndpointGives("token-7f3a", 3600);
        Path beside = dir.resolve("token-agent.jar");
        Path named = dir.resolve("token-agent-2.1.jar");
        Files.copy(AgentJvm.AGENT_JAR, beside);
        Files.copy(AgentJvm.AGENT_JAR, named);
        AgentJvm.Result result = AgentJvm.on(jdk).agentJar(named).agentArgs(ruleFor("/api"))
                .mainClass(OneGetApp.class.getName()).run(apiUrl("/api/x"));

        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(List.of(), result.responses(), result.toString());
        assertEquals(List.of("token-agent: the JVM was given " + named.toRealPath() + " but runs " + beside.toRealPath()
                + " beside it (every token-agent jar loads the token-agent.jar in its directory first): name the agent"
                + " jar token-agent.jar, or move it away from the other"), result.stderrLines(), result.toString());
    }

    /**
     * README's JDK 25 AOT recipe: trained with the agent, and the cache created with the agent jar on the boot class
     * path (where its manifest puts it), the agent's own classes come from the cache, with no AOT error line.
     */
    @Test
    void onJdk25TheReadmesAotRecipeCachesTheAgentsOwnClasses() throws Exception {
        Jdk jdk25 = Jdk.all().stream().filter(jdk -> jdk.name().equals("jdk25")).findFirst()
                .orElse(Jdk.all().get(0));
        Assumptions.assumeTrue(jdk25.name().equals("jdk25"), "the AOT cache is JDK 25's");
        jdk25.assumeAvailable();
        tokenEndpointGives("token-7f3a", 3600);
        Path app = dir.resolve("app.jar");
        String appClass = OneGetApp.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(app))) {
            jar.putNextEntry(new JarEntry(appClass));
            jar.write(Files.readAllBytes(Path.of(AgentJvm.APP_CLASSES).resolve(appClass)));
        }
        Path agentJar = Files.createDirectories(dir.resolve("agent")).resolve("token-agent.jar");
        Files.copy(AgentJvm.AGENT_JAR, agentJar);
        String agentArgs = ruleFor("/api");
        Path configuration = dir.resolve("app.aotconf");
        Path cache = dir.resolve("app.aot");

        AgentJvm.Result record = AgentJvm.on(jdk25).agentJar(agentJar).agentArgs(agentArgs)
                .jvmArg("-XX:AOTMode=record").jvmArg("-XX:AOTConfiguration=" + configuration)
                .classpathOnly(app.toString()).mainClass(OneGetApp.class.getName()).run(apiUrl("/api/x"));
        assertEquals(List.of("STATUS 200 ok"), record.responses(), record.toString());
        Process create = new ProcessBuilder(jdk25.java(), "-XX:AOTMode=create", "-XX:AOTConfiguration="
                + configuration, "-XX:AOTCache=" + cache, "-Xbootclasspath/a:" + agentJar, "--add-modules",
                "java.instrument", "-cp", app.toString()).redirectErrorStream(true).start();
        String created = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, create.waitFor(), created);

        Path classes = dir.resolve("aot-classes.log");
        AgentJvm.Result run = AgentJvm.on(jdk25).agentJar(agentJar).agentArgs(agentArgs)
                .jvmArg("-XX:AOTCache=" + cache).jvmArg("-Xlog:class+load:file=" + classes)
                .classpathOnly(app.toString()).mainClass(OneGetApp.class.getName()).run(apiUrl("/api/x"));
        assertEquals(List.of("STATUS 200 ok"), run.responses(), run.toString());
        assertEquals(List.of(), (run.stdout() + run.stderr()).lines().filter(line -> line.contains("[aot]")
                || line.contains("[cds]")).toList(), run.toString());
        List<String> agentClasses = Files.readAllLines(classes).stream().filter(line -> line.contains(
                " io.tokenagent.")).toList();
        long cached = agentClasses.stream().filter(line -> line.endsWith("source: shared objects file")).count();
        assertTrue(cached >= agentClasses.size() * 3 / 4, cached + " of " + agentClasses.size()
                + " agent classes from the cache: " + agentClasses);
    }

    private static void assertNotLoaded(List<String> classLoadLog, String className) {
        assertEquals(List.of(), classLoadLog.stream().filter(line -> line.contains(" " + className + " ")).toList(),
                className + " was loaded");
    }
}
