package io.tokenagent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private final Map<String, String> props = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();

    private AgentConfig load(String args) throws ConfigException {
        return ConfigLoader.load(args, props::get, env);
    }

    private String error(String args) {
        return assertThrows(ConfigException.class, () -> load(args)).getMessage();
    }

    private String file(String json) throws Exception {
        Path path = dir.resolve("rules.json");
        Files.writeString(path, json);
        return path.toString();
    }

    @Test
    void defaultsWithNoRules() throws Exception {
        AgentConfig config = load(null);
        assertEquals(URI.create("http://169.254.169.254/metadata/identity/oauth2/token"), config.endpoint());
        assertEquals("2018-02-01", config.apiVersion());
        assertEquals(OnFailure.FAIL, config.onFailure());
        assertEquals(LogLevel.INFO, config.logLevel());
        assertFalse(config.prefetch());
        assertEquals(2000, config.connectTimeoutMillis());
        assertEquals(10000, config.readTimeoutMillis());
        assertEquals(30000, config.retryTimeoutMillis());
        assertTrue(config.rules().isEmpty());
    }

    @Test
    void retryOn401IsTheAgentsUnlessARuleSaysOtherwise() throws Exception {
        String rules = file("{\"retry_on_401\": true, \"rules\": [{\"match\": \"https://a.example\", \"resource\": "
                + "\"https://r\"}, {\"match\": \"https://b.example\", \"resource\": \"https://r\", "
                + "\"retry_on_401\": false}]}");
        List<Rule> fromFile = load("config=" + rules).rules();
        assertTrue(fromFile.get(0).retryOn401());
        assertFalse(fromFile.get(1).retryOn401());
        assertFalse(load("match=https://a.example,resource=https://r").rules().get(0).retryOn401());
        assertTrue(load("match=https://a.example,resource=https://r,retry_on_401=TRUE").rules().get(0).retryOn401());

        assertEquals("agent argument retry_on_401: \"yes\" is not one of true and false",
                error("retry_on_401=yes"));
        assertEquals(rules + ": rules[0].retry_on_401: \"1\" is not one of true and false", error("config=" + file(
                "{\"rules\": [{\"match\": \"https://a.example\", \"resource\": \"https://r\", \"retry_on_401\": 1}]}")));
    }

    @Test
    void inlineRuleFromAgentArguments() throws Exception {
        AgentConfig config = load(" match = https://vault.example ,resource=https://vault.azure.net,client_id=abc,"
                + "header=X-Token,prefix=Token,overwrite=true,");
        Rule rule = config.rules().get(0);
        assertEquals("inline rule", rule.name());
        assertEquals("https://vault.example", rule.match().toString());
        assertEquals("https://vault.azure.net", rule.tokenRequest().resource());
        assertEquals(Identity.userAssigned(Identity.Kind.CLIENT_ID, "abc"), rule.tokenRequest().identity());
        assertEquals("X-Token", rule.header());
        assertEquals("Token", rule.prefix());
        assertTrue(rule.overwrite());
    }

    @Test
    void sourcesInOrderArgumentsPropertiesEnvironmentFile() throws Exception {
        String path = file("{\"log_level\":\"error\",\"on_failure\":\"proceed\",\"api_version\":\"2019-01-01\","
                + "\"read_timeout_ms\":\"4\",\"rules\":[]}");
        env.put("TOKEN_AGENT_CONFIG", path);
        env.put("TOKEN_AGENT_LOG_LEVEL", "warn");
        env.put("TOKEN_AGENT_ON_FAILURE", "fail");
        props.put("tokenagent.log_level", "debug");
        props.put("tokenagent.read_timeout_ms", "5");
        AgentConfig config = load("read_timeout_ms=6");
        assertEquals(6, config.readTimeoutMillis(), "argument beats property");
        assertEquals(LogLevel.DEBUG, config.logLevel(), "property beats environment");
        assertEquals(OnFailure.FAIL, config.onFailure(), "environment beats file");
        assertEquals("2019-01-01", config.apiVersion(), "file beats default");
    }

    @Test
    void fileRulesWithStringOrJsonTypedValues() throws Exception {
        String path = file("{\"prefetch\": true, \"connect_timeout_ms\": 500, \"rules\": ["
                + "{\"match\":\"https://a.example/api\",\"resource\":\"https://a\",\"overwrite\":\"true\"},"
                + "{\"match\":\"https://*.b.example\",\"resource\":\"https://b\",\"msi_res_id\":\"/sub/x\","
                + "\"authority\":\"https://login.example/t\",\"prefix\":\"\"}]}");
        AgentConfig config = load("config=" + path + ",match=https://inline.example,resource=https://i");
        assertTrue(config.prefetch());
        assertEquals(500, config.connectTimeoutMillis());
        assertEquals(List.of("inline rule", "rules[0]", "rules[1]"),
                config.rules().stream().map(Rule::name).toList());
        assertTrue(config.rules().get(1).overwrite());
        Rule b = config.rules().get(2);
        assertEquals(Identity.Kind.MSI_RES_ID, b.tokenRequest().identity().kind());
        assertEquals("https://login.example/t", b.tokenRequest().authority());
        assertEquals("", b.prefix());
        assertNull(config.rules().get(1).tokenRequest().authority());
    }

    @Test
    void errorsNameWhereAndWhat() throws Exception {
        assertEquals("agent argument timeout: unknown key; known keys are config, endpoint, api_version, on_failure, "
                + "log_level, log_format, log_stats, prefetch, connect_timeout_ms, read_timeout_ms, retry_timeout_ms, "
                + "max_wait_ms, source, retry_on_401, match, resource, scope, client_id, object_id, msi_res_id, "
                + "authority, header, prefix, overwrite and rules",
                error("timeout=5"));
        assertEquals("agent argument \"verbose\": expected key=value (arguments are key=value pairs separated by "
                + "commas)", error("verbose"));
        assertEquals("agent argument on_failure: \"sometimes\" is not one of fail and proceed",
                error("on_failure=sometimes"));
        assertEquals("agent argument log_level: \"loud\" is not one of off, error, warn, info and debug",
                error("log_level=loud"));
        assertEquals("agent argument prefetch: \"yes\" is not one of true and false", error("prefetch=yes"));
        assertEquals("agent argument read_timeout_ms: \"0\" is not a whole number of milliseconds from 1 to "
                + "2147483647", error("read_timeout_ms=0"));
        assertEquals("agent argument endpoint: \"ftp://x\" is not an absolute http or https URL",
                error("endpoint=ftp://x"));
        assertEquals("agent argument endpoint: \"http://u:p@x/t\" must have no user information or fragment",
                error("endpoint=http://u:p@x/t"));
        assertEquals("agent argument match: \"https://a b\": contains white space or a control character",
                error("match=https://a b,resource=r"));
        assertEquals("inline rule: needs both match and resource (resource is missing)", error("match=https://a"));
        assertEquals("inline rule: has both client_id and msi_res_id: give at most one",
                error("match=https://a,resource=r,client_id=x,msi_res_id=y"));
        assertEquals("agent argument header: \"Bad Header\" is not a valid header name",
                error("match=https://a,resource=r,header=Bad Header"));
        assertEquals("agent argument resource: is empty: give the resource's App ID URI, e.g. https://vault.azure.net",
                error("match=https://a,resource= "));
        assertEquals("agent argument endpoint: given twice", error("endpoint=http://a/t,endpoint=http://b/t"));
    }

    @Test
    void environmentAndPropertyErrorsNameTheVariable() {
        env.put("TOKEN_AGENT_VERBOSE", "1");
        assertTrue(error(null).startsWith("environment variable TOKEN_AGENT_VERBOSE: unknown key;"));
        env.clear();
        props.put("tokenagent.on_failure", "maybe");
        assertEquals("system property tokenagent.on_failure: \"maybe\" is not one of fail and proceed", error(null));
    }

    @Test
    void aMisspeltSystemPropertyIsAnError() throws Exception {
        assertEquals("system property tokenagent.on_falure: unknown key; known keys are config, endpoint, api_version, "
                + "on_failure, log_level, log_format, log_stats, prefetch, connect_timeout_ms, read_timeout_ms, "
                + "retry_timeout_ms, max_wait_ms, source, retry_on_401, match, resource, scope, client_id, object_id, "
                + "msi_res_id, authority, header, prefix, overwrite and rules",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(null, props::get,
                        List.of("java.version", "tokenagent.on_falure"), env)).getMessage());
        props.put("tokenagent.on_failure", "proceed");
        assertEquals(OnFailure.PROCEED, ConfigLoader.load(null, props::get, List.of("tokenagent.on_failure"), env)
                .onFailure());
    }

    @Test
    void fileErrorsNameTheFileAndThePlace() throws Exception {
        String path = file("{\"rules\":[{\"match\":\"https://a\",\"resource\":\"r\",\"client_id\":\"x\","
                + "\"object_id\":\"y\"}]}");
        assertEquals(path + ": rules[0]: has both client_id and object_id: give at most one", error("config=" + path));
        path = file("{\"rules\":[{\"match\":\"https://a\",\"resource\":\"r\",\"clientid\":\"x\"}]}");
        assertTrue(error("config=" + path).startsWith(path + ": rules[0].clientid: unknown key in a rule; a rule has "
                + "match, resource"));
        path = file("{\"rules\":[{\"resource\":\"r\"}]}");
        assertEquals(path + ": rules[0]: needs both match and resource (match is missing)", error("config=" + path));
        path = file("{\"rules\": {}}");
        assertEquals(path + ": rules: must be an array of rule objects", error("config=" + path));
        path = file("{\"endpoint\": [1]}");
        assertEquals(path + ": endpoint: must be a string, number or boolean", error("config=" + path));
        path = file("{\n  \"rules\": [,]\n}");
        assertTrue(error("config=" + path).startsWith(path + " line 2 column 13: not valid JSON: "),
                error("config=" + path));
        path = file("{\"config\": \"other.json\"}");
        assertTrue(error("config=" + path).startsWith(path + ": config: unknown key;"));
        assertEquals("agent argument config: cannot read /no/such.json: no such file", error("config=/no/such.json"));
        assertFalse(error("config=" + file("{\"x\":1}")).contains("\n"));
    }

    @Test
    void theFileIsUtf8WithOrWithoutAByteOrderMark() throws Exception {
        Path path = dir.resolve("rules.json");
        Files.write(path, ("\uFEFF{\"match\":\"https://b\u00fccher.example\",\"resource\":\"r\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("https://xn--bcher-kva.example", load("config=" + path).rules().get(0).match().toString());
        Files.write(path, new byte[] {'{', '"', 'x', (byte) 0xfc, '"', ':', '1', '}'}); // ISO-8859-1, not UTF-8
        assertEquals(path + ": is not UTF-8 text", error("config=" + path));
    }

    @Test
    void aRuleMustNotMatchTheTokenEndpoint() throws Exception {
        assertEquals("agent argument match: match http://127.0.0.1:9999 also matches the token endpoint "
                + "http://127.0.0.1:9999/token: the agent's own calls must not carry tokens; make the rule narrower",
                error("endpoint=http://127.0.0.1:9999/token,match=http://127.0.0.1:9999,resource=r"));
        // The default endpoint is protected too.
        assertTrue(error("match=http://169.254.169.254/metadata,resource=r").contains("also matches the token"));
        // A sibling path is fine.
        load("endpoint=http://127.0.0.1:9999/token,match=http://127.0.0.1:9999/api,resource=r");
    }

    @Test
    void plainHttpToAnotherHostIsAWarning() throws Exception {
        assertEquals(List.of("inline rule sends tokens over plain http to api.example.com: anyone on the network path "
                + "can read them"), load("match=http://api.example.com,resource=r").warnings());
        assertTrue(load("match=http://localhost:8080,resource=r").warnings().isEmpty());
        assertTrue(load("match=http://127.0.0.1:8080,resource=r").warnings().isEmpty());
        assertTrue(load("match=https://api.example.com,resource=r").warnings().isEmpty());
    }

    @Test
    void aKeyGivenTwiceInTheFileIsAnErrorNamingTheKeyAndWhere() throws Exception {
        String path = file("{\n  \"rules\": [{\n    \"match\": \"https://a.example\",\n    \"resource\": \"r1\",\n"
                + "    \"resource\": \"r2\"\n  }]\n}");
        assertEquals(path + " line 5 column 5: key \"resource\" given twice", error("config=" + path));
        path = file("{\"log_level\": \"info\",\n \"log_level\": \"off\"}");
        assertEquals(path + " line 2 column 2: key \"log_level\" given twice", error("config=" + path));
        path = file("{\"rules\": [{\"match\": \"https://a.example\", \"resource\": \"r\"}],\n"
                + "\"rules\": [{\"match\": \"https://b.example\", \"resource\": \"r\"}]}");
        assertEquals(path + " line 2 column 1: key \"rules\" given twice", error("config=" + path));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"match", "resource", "client_id", "object_id", "msi_res_id", "authority", "header",
        "prefix", "endpoint", "api_version", "on_failure", "log_level"})
    void aTextKeyGivenAsAJsonNumberOrBooleanIsAnError(String key) throws Exception {
        String path = file("{\"" + key + "\": 42}");
        assertEquals(path + ": " + key + ": must be a JSON string, not 42", error("config=" + path));
        path = file("{\"rules\": [{\"" + key + "\": true}]}");
        String expected = path + ": rules[0]." + key + ": ";
        assertEquals(expected + (ConfigLoader.RULE_KEYS.contains(key) ? "must be a JSON string, not true"
                : "unknown key in a rule; a rule has " + "match, resource, scope, client_id, object_id, msi_res_id, "
                        + "authority, source, header, prefix, overwrite and retry_on_401"), error("config=" + path));
    }

    @Test
    void booleansAndTimeoutsMayBeJsonOrTextButOnlyOfTheirKind() throws Exception {
        String path = file("{\"prefetch\": \"true\", \"read_timeout_ms\": \"250\", \"connect_timeout_ms\": 300}");
        AgentConfig config = load("config=" + path);
        assertTrue(config.prefetch());
        assertEquals(250, config.readTimeoutMillis());
        assertEquals(300, config.connectTimeoutMillis());
        path = file("{\"prefetch\": 1}");
        assertEquals(path + ": prefetch: \"1\" is not one of true and false", error("config=" + path));
        path = file("{\"read_timeout_ms\": 2.5}");
        assertEquals(path + ": read_timeout_ms: \"2.5\" is not a whole number of milliseconds from 1 to 2147483647",
                error("config=" + path));
        path = file("{\"read_timeout_ms\": true}");
        assertEquals(path + ": read_timeout_ms: \"true\" is not a whole number of milliseconds from 1 to 2147483647",
                error("config=" + path));
        assertEquals("agent argument read_timeout_ms: \"+5\" is not a whole number of milliseconds from 1 to "
                + "2147483647", error("read_timeout_ms=+5"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Host", "content-length", "TRANSFER-ENCODING", "Connection", "Keep-Alive",
        "Proxy-Connection", "Upgrade", "te", "Trailer", "Expect"})
    void aHeaderTheClientManagesIsAnError(String header) {
        assertEquals("agent argument header: \"" + header + "\" is a header the HTTP client manages itself (Host, "
                + "Content-Length, Transfer-Encoding, Connection, Keep-Alive, Proxy-Connection, Upgrade, TE, Trailer "
                + "and Expect): give another", error("match=https://a.example,resource=r,header=" + header));
    }

    @Test
    void aPrefixIsVisibleAsciiAndSpaces() throws Exception {
        assertEquals("My Token", load("match=https://a.example,resource=r,prefix= My Token ").rules().get(0).prefix());
        assertEquals("agent argument prefix: has character U+0009: only visible ASCII characters and spaces are "
                + "allowed", error("match=https://a.example,resource=r,prefix=Bearer\tx"));
        assertEquals("agent argument prefix: has character U+00A0: only visible ASCII characters and spaces are "
                + "allowed", error("match=https://a.example,resource=r,prefix=Bearer\u00a0x"));
        assertEquals("agent argument prefix: has character U+212A: only visible ASCII characters and spaces are "
                + "allowed", error("match=https://a.example,resource=r,prefix=\u212Aey"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "http://127.0.0.1:99999/token | \"http://127.0.0.1:99999/token\": port 99999 is not a number from 1 to 65535",
        "http://127.0.0.1:0/token | \"http://127.0.0.1:0/token\": port 0 is not a number from 1 to 65535",
        "http://127.0.0.1/token?resource=x | \"http://127.0.0.1/token?resource=x\" must have no query: the agent adds "
                + "api-version, resource and the identity itself",
        "http://a..b/token | \"http://a..b/token\" is not an absolute http or https URL",
    })
    void anEndpointThatCannotBeRightIsAnError(String endpoint, String what) {
        assertEquals("agent argument endpoint: " + what, error("endpoint=" + endpoint));
    }

    @Test
    void anEndpointHostIsCheckedAsARuleHostIs() throws Exception {
        String label64 = "a".repeat(64);
        assertEquals("agent argument endpoint: \"http://" + label64 + ".example/t\": host \"" + label64
                + ".example\" has a label longer than 63 characters", error("endpoint=http://" + label64 + ".example/t"));
        assertEquals(URI.create("http://[::1]:8080/t"), load("endpoint=http://[::1]:8080/t").endpoint());
        assertEquals(URI.create("http://imds.example./t"), load("endpoint=http://imds.example./t").endpoint());
    }

    @Test
    void anApiVersionIsLettersDigitsDotsAndDashes() throws Exception {
        assertEquals("2019-08-01-preview", load("api_version=2019-08-01-preview").apiVersion());
        assertEquals("agent argument api_version: \"2018-02-01&resource=x\" is not an API version such as "
                + "2018-02-01 (letters, digits, '.', '-' and '_')", error("api_version=2018-02-01&resource=x"));
        assertEquals("agent argument api_version: \"2018 02 01\" is not an API version such as 2018-02-01 (letters, "
                + "digits, '.', '-' and '_')", error("api_version=2018 02 01"));
    }

    @Test
    void identitiesAndResourcesHaveNoInnerWhiteSpace() {
        assertEquals("agent argument resource: has white space or a control character (U+0020)",
                error("match=https://a.example,resource=https://vault azure.net"));
        assertEquals("agent argument client_id: has white space or a control character (U+00A0)",
                error("match=https://a.example,resource=r,client_id=abc\u00a0def"));
        assertEquals("agent argument authority: has white space or a control character (U+000A)",
                error("match=https://a.example,resource=r,authority=https://login.example/t\nx"));
    }

    @Test
    void aRuleGivesAResourceOrAScopeAndMayNameItsOwnSource() throws Exception {
        AgentConfig config = ConfigLoader.load("source=imds,match=https://graph.example,scope=https://graph.example/"
                + ".default", k -> null, Map.of());
        assertEquals(SourceKind.IMDS, config.source());
        assertEquals("https://graph.example", config.rules().get(0).tokenRequest().resource());
        assertEquals(null, config.rules().get(0).source(), "a global source is not the inline rule's own");
        assertEquals("inline rule: has both resource and scope: give one",
                error("match=https://a.example,resource=r,scope=r/.default"));
        assertEquals("agent argument source: \"vm\" is not one of auto, imds, appservice, appservice2017, cloudshell, "
                + "arc, servicefabric, workload, client_secret, client_certificate and azurecli",
                error("match=https://a.example,resource=r,source=vm"));
        assertEquals("agent argument endpoint: is the IMDS endpoint, but source is appservice, which takes its "
                + "endpoint from the environment", error("endpoint=http://127.0.0.1:1/t,source=appservice,"
                + "match=https://a.example,resource=r"));
        assertEquals(SourceKind.IMDS, ConfigLoader.load("endpoint=http://127.0.0.1:1/t,match=https://a.example,"
                + "resource=r", k -> null, Map.of()).source(), "an explicit endpoint means IMDS");
        String path = file("{\"source\": \"auto\", \"rules\": [{\"match\": \"https://a.example\", \"resource\": \"r\","
                + " \"source\": \"workload\"}]}");
        config = ConfigLoader.load("config=" + path, k -> null, Map.of());
        assertEquals(SourceKind.AUTO, config.source());
        assertEquals(SourceKind.WORKLOAD, config.rules().get(0).source());
    }

    @Test
    void rulesMayComeAsJsonFromTheEnvironmentOrASystemPropertyInsteadOfTheFilesRules() throws Exception {
        String path = file("{\"rules\": [{\"match\": \"https://file.example\", \"resource\": \"r\"}]}");
        String rules = "[{\"match\": \"https://env.example\", \"resource\": \"r1\"},"
                + " {\"match\": \"https://env2.example\", \"scope\": \"r2/.default\", \"client_id\": \"c\"}]";
        AgentConfig config = ConfigLoader.load("config=" + path, k -> null, Map.of("TOKEN_AGENT_RULES", rules));
        assertEquals(2, config.rules().size());
        assertEquals("https://env.example", config.rules().get(0).match().toString());
        assertEquals("r2", config.rules().get(1).tokenRequest().resource());
        config = ConfigLoader.load("config=" + path, k -> k.equals("tokenagent.rules") ? "[]" : null,
                Map.of("TOKEN_AGENT_RULES", rules));
        assertEquals(0, config.rules().size(), "the system property is the higher source");

        assertEquals("environment variable TOKEN_AGENT_RULES: rules[1]: needs both match and resource "
                + "(resource is missing)", assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                k -> null, Map.of("TOKEN_AGENT_RULES", "[{\"match\": \"https://a.example\", \"resource\": \"r\"},"
                        + " {\"match\": \"https://b.example\"}]"))).getMessage());
        assertEquals("environment variable TOKEN_AGENT_RULES line 1 column 33: key \"match\" given twice",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(null, k -> null, Map.of(
                        "TOKEN_AGENT_RULES", "[{\"match\": \"https://a.example\", \"match\": \"x\"}]"))).getMessage());
        assertEquals("environment variable TOKEN_AGENT_RULES: must be a JSON array of rule objects",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(null, k -> null, Map.of(
                        "TOKEN_AGENT_RULES", "{\"match\": \"https://a.example\"}"))).getMessage());
        assertEquals("agent argument rules: cannot be an agent argument, which is split at commas: give the rules in "
                + "TOKEN_AGENT_RULES, -Dtokenagent.rules or the config file", error("rules=[]"));
    }
}
