package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A sample of randomly mutated configurations, through each source of options, in real JVMs: the agent either
 * starts and {@code main} runs, or the JVM stops before {@code main} with one line on stderr; never a stack trace,
 * never a hang. The unit test ConfigFuzzTest runs many more mutations in-process; this shows the one line is what
 * a user gets. The seed is printed; {@code -Dfuzz.seed=N} replays a run.
 */
class ConfigFuzzIT extends AgentTestSupport {

    private static final long SEED = Long.getLong("fuzz.seed", 20261205L);
    private static final int CASES_PER_JDK = 12;
    private static final String RULES = "[{\"match\": \"https://api.example.com/v1\", \"resource\": "
            + "\"https://vault.azure.net\", \"header\": \"X-Token\", \"overwrite\": true}]";
    private static final String ARGS = "endpoint=http://127.0.0.1:9/t,match=https://a.example/api,resource=https://r,"
            + "client_id=abc,read_timeout_ms=500,on_failure=proceed,log_level=debug";
    private static final String NASTY = "\",:{}[]=\\ \n\r\t\u00e9*.%@/#-09";
    private static final List<String> SOURCES = List.of("agent arguments", "file", "TOKEN_AGENT_RULES",
            "-Dtokenagent.rules");

    @TempDir
    Path dir;

    /** JDK, source, configuration text: a few cases that once broke the one-line rule, then random ones. */
    static Stream<Arguments> cases() {
        System.out.println("ConfigFuzzIT seed " + SEED + " (-Dfuzz.seed=" + SEED + " replays it)");
        Random random = new Random(SEED);
        List<Arguments> cases = new ArrayList<>();
        for (Jdk jdk : Jdk.all()) {
            cases.add(Arguments.of(jdk, "agent arguments", "match=https://a.example,resource=r,max_w\rait_ms=1"));
            cases.add(Arguments.of(jdk, "TOKEN_AGENT_RULES", "[{\"match\": \"https://a.example\", \"re\\nsource\": "
                    + "\"r\"}]"));
            cases.add(Arguments.of(jdk, "file", "{\"on_failure\": \"fail\\nINFO started\", \"rules\": " + RULES + "}"));
            for (int i = 0; i < CASES_PER_JDK; i++) {
                String source = SOURCES.get(i % SOURCES.size());
                String valid = source.equals("agent arguments") ? ARGS
                        : source.equals("file") ? "{\"log_level\": \"debug\", \"rules\": " + RULES + "}" : RULES;
                cases.add(Arguments.of(jdk, source, mutate(valid, random)));
            }
        }
        return cases.stream();
    }

    private static String mutate(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        for (int m = 1 + random.nextInt(2); m > 0; m--) {
            int at = random.nextInt(out.length());
            char nasty = NASTY.charAt(random.nextInt(NASTY.length()));
            switch (random.nextInt(3)) {
                case 0 -> out.insert(at, nasty);
                case 1 -> out.deleteCharAt(at);
                default -> out.setCharAt(at, nasty);
            }
        }
        return out.toString();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void aMutatedConfigurationStartsOrStopsBeforeMainWithOneLine(Jdk jdk, String source, String config)
            throws Exception {
        AgentJvm jvm = AgentJvm.on(jdk).timeoutSeconds(30);
        switch (source) {
            case "agent arguments" -> jvm.agentArgs(config);
            case "file" -> {
                Path file = dir.resolve("rules.json");
                Files.writeString(file, config);
                jvm.agentArgs("config=" + file);
            }
            case "TOKEN_AGENT_RULES" -> jvm.agentArgs("endpoint=" + endpoint()).env("TOKEN_AGENT_RULES", config);
            default -> jvm.agentArgs("endpoint=" + endpoint()).jvmArg("-Dtokenagent.rules=" + config);
        }
        AgentJvm.Result result = jvm.run("urlconnection");

        assertFalse(result.stderr().contains("\tat ") || result.stderr().contains("Exception"),
                "a stack trace:\n" + result);
        if (result.exitCode() == 0) {
            assertEquals(List.of("MAIN started"), result.lines(), result.toString());
        } else {
            assertEquals(1, result.exitCode(), result.toString());
            assertEquals(1, result.stderrLines().size(), "more than one line:\n" + result);
            assertTrue(result.stderr().startsWith("token-agent: configuration error: "), result.toString());
            assertFalse(result.stdout().contains("MAIN started"), "main ran:\n" + result);
        }
    }
}
