package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code log_format=json} for log pipelines, and {@code log_stats}: what an operator's collector receives. */
class LogFormatIT extends AgentTestSupport {

    static Stream<Jdk> jdks() {
        return Jdk.all().stream();
    }

    /** A flat JSON object's fields; fails the test when the line is anything else. */
    private static Map<String, String> object(String line) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        try (JsonParser parser = new JsonFactory().createParser(line)) {
            assertEquals(JsonToken.START_OBJECT, parser.nextToken(), line);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.getCurrentName();
                assertEquals(JsonToken.VALUE_STRING, parser.nextToken(), line);
                fields.put(name, parser.getText());
            }
            assertEquals(null, parser.nextToken(), "one object per line: " + line);
        }
        return fields;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void everyLineTheAgentWritesIsOneJsonObjectWithTheKeyFields(Jdk jdk) throws Exception {
        tokenEndpointGives("token-json-secret", 3600);
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api", "log_format=json", "log_level=debug",
                "log_stats=1")).run("urlconnection", "--repeat", "6", "--interval", "400", apiUrl("/api/json"));

        assertEquals(6, result.responses().stream().filter(l -> l.startsWith("STATUS 200")).count(), result.toString());
        List<String> lines = result.stderrLines();
        assertTrue(lines.size() >= 3, result.toString());
        boolean tokenLine = false;
        boolean statsLine = false;
        for (String line : lines) {
            Map<String, String> fields = object(line);
            assertTrue(fields.keySet().containsAll(List.of("timestamp", "level", "event", "message")), line);
            assertTrue(fields.get("timestamp").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"), line);
            if (fields.get("event").equals("token-for") && fields.get("level").equals("INFO")) {
                tokenLine = true;
                assertEquals(RESOURCE, fields.get("resource"), line);
                assertEquals("system-assigned identity", fields.get("identity"), line);
                assertTrue(fields.get("fingerprint").startsWith("sha256:"), line);
            }
            if (fields.get("event").equals("stats")) {
                statsLine = true;
                assertTrue(fields.get("message").matches("stats: 1 keys, \\d+ requests with a token, 0 failed for "
                        + "want of one, 0 sent without one, [01] token fetches, 0 of them failed"), line);
            }
        }
        assertTrue(tokenLine, "the first token's line names resource, identity and fingerprint:\n" + result);
        assertTrue(statsLine, "log_stats=1 writes the counters every second:\n" + result);
        assertFalse(result.stderr().contains("json-secret"), "no token in any line");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aConfigurationMistakeIsAJsonLineToo(Jdk jdk) throws Exception {
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs(ruleFor("/api", "log_format=json", "on_failure=later"))
                .run("urlconnection", apiUrl("/api/never"));

        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(1, result.stderrLines().size(), result.toString());
        Map<String, String> fields = object(result.stderrLines().get(0));
        assertEquals("ERROR", fields.get("level"));
        assertEquals("configuration-error", fields.get("event"));
        assertEquals("configuration error: agent argument on_failure: \"later\" is not one of fail and proceed",
                fields.get("message"));
    }
}
