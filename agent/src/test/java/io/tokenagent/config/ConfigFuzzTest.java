package io.tokenagent.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random mutations of valid configurations, through every source of options (agent arguments, the JSON file,
 * {@code TOKEN_AGENT_RULES}, {@code tokenagent.*} system properties): each one loads, or is refused with one
 * {@link ConfigException} line saying where and what; never another exception, never a hang. The seed is printed;
 * {@code -Dfuzz.seed=N} replays a run. That such a line stops a real JVM before {@code main} is ConfigFuzzIT's.
 */
class ConfigFuzzTest {

    private static final int CASES_PER_SOURCE = 100;
    private static final String RULES = "[{\"match\": \"https://api.example.com/v1\", \"resource\": "
            + "\"https://vault.azure.net\", \"client_id\": \"11111111-2222-3333-4444-555555555555\", \"header\": "
            + "\"X-Token\", \"prefix\": \"Token\", \"overwrite\": true},\n {\"match\": \"https://*.blob.example.net\", "
            + "\"scope\": \"https://storage.azure.com/.default\", \"msi_res_id\": \"/subscriptions/x/rg\"},\n"
            + " {\"match\": \"http://[::1]:8080/api\", \"resource\": \"api://internal\", \"authority\": \"t\"}]";
    private static final String FILE = "{\"endpoint\": \"http://127.0.0.1:40342/metadata/identity/oauth2/token\",\n"
            + " \"api_version\": \"2019-08-01\", \"on_failure\": \"proceed\", \"log_level\": \"debug\", \"log_format\": "
            + "\"json\", \"log_stats\": 60, \"prefetch\": \"true\", \"connect_timeout_ms\": 500, \"read_timeout_ms\": "
            + "\"1500\", \"retry_timeout_ms\": 3000, \"max_wait_ms\": 2000,\n \"rules\": " + RULES + "}";
    private static final String ARGS = "endpoint=http://127.0.0.1:9/t,match=https://a.example/api,resource=https://r,"
            + "client_id=abc,header=X-Token,prefix=Token,overwrite=true,read_timeout_ms=500,on_failure=proceed,"
            + "log_level=debug,max_wait_ms=100";
    /** Characters that parsers trip on. */
    private static final String NASTY = "\",:{}[]=\\ \n\r\t\u0000\u00e9\u212a*.%@/?#;-0919e+";
    private static final String[] VALUES = {"", "-1", "0", "99999999999999999999", "1e3", "null", "true", "[]", "{}",
        "\"\"", "http://", "https://[", "*.*", "\u0000", "x".repeat(5000), "\\u0000", "\\ud800", "::"};

    @TempDir
    Path dir;

    @Test
    void mutatedConfigurationsLoadOrFailWithOneLine() {
        long seed = Long.getLong("fuzz.seed", 11838564617813L); // a seed that found a bug
        System.out.println("ConfigFuzzTest seed " + seed + " (-Dfuzz.seed=" + seed + " replays it)");
        Random random = new Random(seed);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            int refused = 0;
            int cases = 0;
            for (int i = 0; i < CASES_PER_SOURCE; i++) {
                refused += loads("agent arguments", mutate(ARGS, random), Map.of(), Map.of(), seed);
                Path file = dir.resolve("rules-" + i + ".json");
                Files.writeString(file, mutate(FILE, random));
                refused += loads("file " + file, "config=" + file, Map.of(), Map.of(), seed);
                refused += loads("TOKEN_AGENT_RULES", null, Map.of("TOKEN_AGENT_RULES", mutate(RULES, random)),
                        Map.of(), seed);
                Map<String, String> props = new HashMap<>();
                props.put("tokenagent.rules", mutate(RULES, random));
                props.put(mutate("tokenagent.read_timeout_ms", random), mutate("2500", random));
                refused += loads("system properties", null, Map.of(), props, seed);
                cases += 4;
            }
            System.out.println("ConfigFuzzTest: " + cases + " mutated configurations, " + refused + " refused with "
                    + "one line, " + (cases - refused) + " valid");
            assertTrue(refused > cases / 4, "the mutations are too mild to test anything: " + refused + " refused");
        });
    }

    /** 1 when refused with one line, 0 when loaded; fails the test on anything else. */
    private static int loads(String source, String args, Map<String, String> env,
            Map<String, String> props, long seed) {
        try {
            ConfigLoader.load(args, props::get, props.keySet(), env);
            return 0;
        } catch (ConfigException e) {
            String message = e.getMessage();
            assertFalse(message.isEmpty() || message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0,
                    "not one line (seed " + seed + ", " + source + "): "
                    + message.replace("\n", "\\n").replace("\r", "\\r"));
            assertTrue(message.indexOf(": ") > 0, "no where: what (seed " + seed + ", " + source + "): " + message);
            return 1;
        } catch (RuntimeException | Error e) {
            fail("seed " + seed + ", " + source + " " + (args != null ? args : env.isEmpty() ? props : env)
                    + ": " + e, e);
            return 0;
        }
    }

    /** One to three mutations: a character inserted, deleted or replaced, a span repeated, a value swapped. */
    static String mutate(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            int at = random.nextInt(out.length() + 1);
            char nasty = NASTY.charAt(random.nextInt(NASTY.length()));
            switch (random.nextInt(6)) {
                case 0:
                    out.insert(at, nasty);
                    break;
                case 1:
                    if (at < out.length()) {
                        out.deleteCharAt(at);
                    }
                    break;
                case 2:
                    if (at < out.length()) {
                        out.setCharAt(at, nasty);
                    }
                    break;
                case 3:
                    int end = Math.min(out.length(), at + random.nextInt(40));
                    out.insert(at, out.substring(at, end));
                    break;
                case 4:
                    out.setLength(at);
                    break;
                default:
                    replaceAValue(out, random);
            }
        }
        return out.toString();
    }

    /** Replaces the text after a random {@code =} or {@code ": } with an extreme value. */
    private static void replaceAValue(StringBuilder out, Random random) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < out.length(); i++) {
            if (out.charAt(i) == '=' || out.charAt(i) == ':' && i + 1 < out.length() && out.charAt(i + 1) == ' ') {
                starts.add(out.charAt(i) == '=' ? i + 1 : i + 2);
            }
        }
        if (starts.isEmpty()) {
            return;
        }
        int start = starts.get(random.nextInt(starts.size()));
        int end = start;
        while (end < out.length() && ",}\n".indexOf(out.charAt(end)) < 0) {
            end++;
        }
        String value = VALUES[random.nextInt(VALUES.length)];
        boolean quoted = start < out.length() && out.charAt(start) == '"';
        out.replace(start, end, quoted && random.nextBoolean() ? "\"" + value + "\"" : value);
    }
}
