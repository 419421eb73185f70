package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code java -jar token-agent.jar doctor}, run for real against a stand-in token endpoint. */
class DoctorIT extends AgentTestSupport {

    private record Run(int exitCode, List<String> lines) {
    }

    private static Run doctor(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Jdk.all().get(0).java(), "-jar",
                AgentJvm.AGENT_JAR.toAbsolutePath().toString(), "doctor"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("TOKEN_AGENT_") || k.startsWith("AZURE_")
                || k.startsWith("IDENTITY_") || k.startsWith("MSI_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Run(process.exitValue(), output.lines().toList());
    }

    @Test
    void aHealthySetupShowsWhereEachOptionCameFromWhichRuleEachUrlGetsAndTheTokensFingerprint() throws Exception {
        String token = "eyJ0eXAiOiJKV1QifQ.doctor-secret-part";
        tokenEndpointGives(token, 3600);
        String rules = "[{\"match\": \"https://vault.example\", \"resource\": \"https://vault.azure.net\"}]";
        Run run = doctor(Map.of("TOKEN_AGENT_RULES", rules, "TOKEN_AGENT_ENDPOINT", endpoint()),
                "retry_timeout_ms=2000", "https://vault.example/secrets/x");

        assertEquals(0, run.exitCode(), String.join("\n", run.lines()));
        assertTrue(run.lines().contains("  endpoint = " + endpoint() + " (environment variable TOKEN_AGENT_ENDPOINT)"),
                String.join("\n", run.lines()));
        assertTrue(run.lines().contains("  retry_timeout_ms = 2000 (agent argument retry_timeout_ms)"));
        assertTrue(run.lines().contains("  read_timeout_ms = 10000 (default)"));
        assertTrue(run.lines().contains("  (1 rule; rules[] from environment variable TOKEN_AGENT_RULES)"));
        assertTrue(run.lines().contains("url https://vault.example/secrets/x: rules[0] (https://vault.example -> "
                + "resource https://vault.azure.net (system-assigned identity))"));
        String fingerprint = "sha256:" + fingerprint(token);
        assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("token for rules[0]: resource "
                + "https://vault.azure.net (system-assigned identity), expires in 3") && l.endsWith(", " + fingerprint)),
                String.join("\n", run.lines()));
        assertEquals("healthy", run.lines().get(run.lines().size() - 1));
        assertFalse(String.join("\n", run.lines()).contains("doctor-secret"), "the token itself is never shown");
    }

    @Test
    void aUrlNoRuleMatchesNamesTheNearestRuleAndAFailingFetchShowsTheEndpointsError() throws Exception {
        tokens.stubFor(get(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}")));
        Run run = doctor(Map.of(), ruleFor("/api", "client_id=11111111-2222-3333-4444-555555555555"),
                apiUrl("/api/ok"), apiUrl("/apix"), "https://127.0.0.1:" + api.port() + "/api");

        assertEquals(1, run.exitCode(), String.join("\n", run.lines()));
        assertTrue(run.lines().contains("PROBLEM url " + apiUrl("/apix") + ": no rule matches; the nearest is inline "
                + "rule (" + apiUrl("/api") + "): path /apix is not /api or below it"), String.join("\n", run.lines()));
        assertTrue(run.lines().contains("PROBLEM url https://127.0.0.1:" + api.port() + "/api: no rule matches; the "
                + "nearest is inline rule (" + apiUrl("/api") + "): scheme https is not http"));
        assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("PROBLEM token for inline rule: IMDS " + endpoint()
                + ": HTTP 400 invalid_request: Identity not found")), String.join("\n", run.lines()));
        assertEquals("3 problems", run.lines().get(run.lines().size() - 1));
    }

    @Test
    void aConfigurationMistakeIsTheAgentsOwnOneLine() throws Exception {
        Run run = doctor(Map.of("TOKEN_AGENT_RULES", "[{\"match\": \"https://a.example\"}]"));
        assertEquals(new Run(1, List.of("token-agent: configuration error: environment variable TOKEN_AGENT_RULES: "
                + "rules[0]: needs both match and resource (resource is missing)")), run);
    }

    private static String fingerprint(String token) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(digest, 0, 4);
    }
}
