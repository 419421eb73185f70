package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The files in {@code examples/} say only what works: every {@code TOKEN_AGENT_*} option they set is read by the
 * real agent's configuration ({@code doctor}, against a stand-in token endpoint) without a mistake, and the
 * Dockerfile runs the application through the entrypoint the build makes.
 */
class ExamplesIT extends AgentTestSupport {

    private static final Path EXAMPLES = Path.of("../examples");

    /** {@code doctor} with the example's options, the token endpoint pointed at the stand-in. */
    private static String doctorWith(Map<String, String> options) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Jdk.all().get(0).java(), "-jar",
                AgentJvm.AGENT_JAR.toAbsolutePath().toString(), "doctor").redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("TOKEN_AGENT_") || k.startsWith("AZURE_")
                || k.startsWith("IDENTITY_") || k.startsWith("MSI_"));
        builder.environment().putAll(options);
        builder.environment().put("TOKEN_AGENT_ENDPOINT", endpoint());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), options + "\n" + output);
        return output;
    }

    @Test
    void theDockerfilesOptionsAreValidAndItStartsTheAppThroughTheEntrypoint() throws Exception {
        tokenEndpointGives("token-example", 3600);
        String dockerfile = Files.readString(EXAMPLES.resolve("Dockerfile"));
        Map<String, String> options = new LinkedHashMap<>();
        Matcher env = Pattern.compile("(?m)^ENV (TOKEN_AGENT_[A-Z_]+)=('([^']*)'|(\\S+))$").matcher(dockerfile);
        while (env.find()) {
            options.put(env.group(1), env.group(3) != null ? env.group(3) : env.group(4));
        }
        assertTrue(options.containsKey("TOKEN_AGENT_RULES"), options.toString());
        String output = doctorWith(options);
        assertTrue(output.contains("(2 rules; rules[] from environment variable TOKEN_AGENT_RULES)"), output);

        assertTrue(dockerfile.contains("COPY token-agent/token-agent.jar token-agent/token-agent-exec /opt/token-agent/"));
        Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT \\[\"([^\"]+)\"").matcher(dockerfile);
        assertTrue(entrypoint.find(), dockerfile);
        assertEquals("/opt/token-agent/token-agent-exec", entrypoint.group(1));
        assertTrue(Files.isExecutable(AgentJvm.AGENT_JAR.toAbsolutePath().getParent().resolve("token-agent-exec")),
                "the build makes the entrypoint the Dockerfile copies");
    }

    @Test
    void theKubernetesManifestParsesAndItsContainerOptionsAreValid() throws Exception {
        tokenEndpointGives("token-example", 3600);
        List<String> lines = Files.readAllLines(EXAMPLES.resolve("kubernetes/workload-identity.yaml"));
        List<List<String>> documents = new ArrayList<>(List.of(new ArrayList<>()));
        for (String line : lines) {
            if (line.equals("---")) {
                documents.add(new ArrayList<>());
            } else if (!line.isBlank() && !line.startsWith("#")) {
                assertTrue(!line.contains("\t"), "YAML is indented with spaces: " + line);
                documents.get(documents.size() - 1).add(line);
            }
        }
        assertEquals(2, documents.size());
        for (List<String> document : documents) {
            assertTrue(document.get(0).startsWith("apiVersion: v1") && document.get(1).startsWith("kind: "), document
                    .toString());
        }
        assertTrue(lines.contains("    azure.workload.identity/use: \"true\""), "the label workload identity needs");
        assertTrue(lines.stream().anyMatch(l -> l.equals("  serviceAccountName: legacy-app")));

        Map<String, String> env = containerEnv(lines);
        assertEquals("-javaagent:/opt/token-agent/token-agent.jar", env.remove("JAVA_TOOL_OPTIONS"));
        assertTrue(env.keySet().stream().allMatch(k -> k.startsWith("TOKEN_AGENT_")), env.toString());
        String output = doctorWith(env);
        assertTrue(output.contains("(2 rules; rules[] from environment variable TOKEN_AGENT_RULES)"), output);
    }

    /** The container's {@code env} list: {@code - name:} / {@code value:} pairs, folded ({@code >-}) values joined. */
    private static Map<String, String> containerEnv(List<String> lines) {
        Map<String, String> env = new LinkedHashMap<>();
        String name = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("- name: ")) {
                name = line.substring("- name: ".length());
            } else if (name != null && line.startsWith("value: ")) {
                String value = line.substring("value: ".length());
                if (value.equals(">-")) {
                    StringBuilder folded = new StringBuilder();
                    int indent = lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length();
                    while (i + 1 < lines.size() && lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length()
                            >= indent && !lines.get(i + 1).isBlank()) {
                        folded.append(folded.length() == 0 ? "" : " ").append(lines.get(++i).strip());
                    }
                    value = folded.toString();
                } else if (value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                env.put(name, value);
                name = null;
            }
        }
        return env;
    }
}
