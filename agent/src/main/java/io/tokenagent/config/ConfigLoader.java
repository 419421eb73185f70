package io.tokenagent.config;

import io.tokenagent.matching.Ascii;
import io.tokenagent.matching.Hosts;
import io.tokenagent.matching.UrlPattern;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds the {@link AgentConfig} from its sources, highest first: the agent argument string, system properties
 * {@code tokenagent.<key>}, environment variables {@code TOKEN_AGENT_<KEY>}, the JSON file named by {@code config},
 * and the defaults. Every mistake is a {@link ConfigException} naming where it was written.
 */
public final class ConfigLoader {

    static final List<String> AGENT_KEYS = Arrays.asList("config", "endpoint", "api_version", "on_failure",
            "log_level", "log_format", "log_stats", "prefetch", "connect_timeout_ms", "read_timeout_ms",
            "retry_timeout_ms", "max_wait_ms", "source", "retry_on_401");
    static final List<String> RULE_KEYS = Arrays.asList("match", "resource", "scope", "client_id", "object_id",
            "msi_res_id", "authority", "source", "header", "prefix", "overwrite", "retry_on_401");
    /** Keys whose value may be a JSON boolean or number; every other key's value is text, a JSON string. */
    private static final List<String> BOOLEAN_KEYS = Arrays.asList("prefetch", "overwrite", "retry_on_401");
    private static final List<String> NUMBER_KEYS = Arrays.asList("connect_timeout_ms", "read_timeout_ms",
            "retry_timeout_ms", "max_wait_ms", "log_stats");
    /** Headers the HTTP client manages itself (RFC 9110, 9112): a token there would break or smuggle requests. */
    private static final List<String> CLIENT_HEADERS = Arrays.asList("Host", "Content-Length", "Transfer-Encoding",
            "Connection", "Keep-Alive", "Proxy-Connection", "Upgrade", "TE", "Trailer", "Expect");
    private static final Identity.Kind[] SELECTORS = {
        Identity.Kind.CLIENT_ID, Identity.Kind.OBJECT_ID, Identity.Kind.MSI_RES_ID};

    private final Map<String, Setting> settings = new HashMap<String, Setting>();
    private final List<String> warnings = new ArrayList<String>();
    /** The agent's {@code retry_on_401}: what a rule that does not say gets. */
    private boolean retryOn401;

    private ConfigLoader() {
    }

    /**
     * @param agentArgs the {@code -javaagent:...=} string, may be null
     * @param systemProperty {@code System::getProperty}, or a stand-in for tests
     * @param env {@code System.getenv()}, or a stand-in for tests
     */
    public static AgentConfig load(String agentArgs, Function<String, String> systemProperty, Map<String, String> env)
            throws ConfigException {
        return new ConfigLoader().build(agentArgs, systemProperty, env);
    }

    /**
     * The same, also refusing a {@code tokenagent.*} system property that names no key (a misspelt option would
     * otherwise be silently ignored).
     *
     * @param propertyNames the names of all system properties
     */
    public static AgentConfig load(String agentArgs, Function<String, String> systemProperty,
            Iterable<String> propertyNames, Map<String, String> env) throws ConfigException {
        for (String name : propertyNames) {
            if (name.startsWith("tokenagent.") && !allKeys().contains(name.substring("tokenagent.".length()))) {
                throw new ConfigException("system property " + name, unknownKey(false));
            }
        }
        return load(agentArgs, systemProperty, env);
    }

    private AgentConfig build(String agentArgs, Function<String, String> systemProperty, Map<String, String> env)
            throws ConfigException {
        readAgentArgs(agentArgs);
        for (String key : allKeys()) {
            String value = systemProperty.apply("tokenagent." + key);
            if (value != null && !settings.containsKey(key)) {
                settings.put(key, new Setting(value, "system property tokenagent." + key));
            }
        }
        readEnvironment(env);

        List<Rule> rules = new ArrayList<Rule>();
        Map<String, Setting> inline = new HashMap<String, Setting>();
        for (String key : RULE_KEYS) {
            if (settings.containsKey(key) && !AGENT_KEYS.contains(key)) {
                inline.put(key, settings.get(key));
            }
        }
        JsonConfigFile file = null;
        Setting configPath = settings.get("config");
        if (configPath != null) {
            file = JsonConfigFile.read(configPath.value, configPath.where);
            for (Map.Entry<String, Setting> entry : file.settings.entrySet()) {
                if (!AGENT_KEYS.contains(entry.getKey()) && !RULE_KEYS.contains(entry.getKey())
                        || entry.getKey().equals("config")) {
                    throw new ConfigException(entry.getValue().where, unknownKey(true));
                }
                checkKind(entry.getKey(), entry.getValue());
                if (!settings.containsKey(entry.getKey())) {
                    settings.put(entry.getKey(), entry.getValue());
                    if (RULE_KEYS.contains(entry.getKey()) && !AGENT_KEYS.contains(entry.getKey())) {
                        inline.put(entry.getKey(), entry.getValue());
                    }
                }
            }
        }

        URI endpoint = endpoint();
        retryOn401 = bool(settings.get("retry_on_401"), false);
        if (!inline.isEmpty()) {
            rules.add(rule("inline rule", inline, null));
        }
        // Rules from tokenagent.rules or TOKEN_AGENT_RULES take the place of the file's, as any higher source does.
        Setting rulesText = settings.get("rules");
        List<Map<String, Setting>> ruleMaps = rulesText != null
                ? JsonConfigFile.readRules(rulesText.value, rulesText.where)
                : file != null ? file.rules : new ArrayList<Map<String, Setting>>();
        String rulesWhere = rulesText != null ? rulesText.where : file != null ? configPath.value : null;
        for (int i = 0; i < ruleMaps.size(); i++) {
            rules.add(rule("rules[" + i + "]", ruleMaps.get(i), rulesWhere + ": rules[" + i + "]"));
        }
        for (Rule rule : rules) {
            if (rule.match().matches(endpoint.getScheme(), endpoint.getHost(), endpoint.getPort(),
                    endpoint.getRawPath())) {
                throw new ConfigException(whereOf(rule), "match " + rule.match() + " also matches the token endpoint "
                        + endpoint + ": the agent's own calls must not carry tokens; make the rule narrower");
            }
        }
        SourceKind source = choice("source", SourceKind.values(), SourceKind.AUTO);
        if (settings.containsKey("endpoint") && source != SourceKind.AUTO && source != SourceKind.IMDS) {
            throw new ConfigException(settings.get("endpoint").where, "is the IMDS endpoint, but source is "
                    + source.configName() + ", which takes its endpoint from the environment");
        }
        return new AgentConfig(endpoint, settings.containsKey("endpoint") ? SourceKind.IMDS : source, apiVersion(),
                choice("on_failure", OnFailure.values(), OnFailure.FAIL),
                choice("log_level", LogLevel.values(), LogLevel.INFO),
                choice("log_format", LogFormat.values(), LogFormat.TEXT), logStatsSeconds(),
                bool(settings.get("prefetch"), false),
                (int) positive("connect_timeout_ms", 2000), (int) positive("read_timeout_ms", 10000),
                positive("retry_timeout_ms", 30000), positive("max_wait_ms", 10000), rules, warnings, origins(rulesWhere, inline));
    }

    /** {@code log_stats}: whole seconds, 0 (the default) for never. */
    private long logStatsSeconds() throws ConfigException {
        Setting s = settings.get("log_stats");
        if (s == null || s.value.trim().equals("0")) {
            return 0;
        }
        String v = s.value.trim();
        boolean digits = !v.isEmpty() && v.length() <= 6;
        for (int i = 0; digits && i < v.length(); i++) {
            digits = v.charAt(i) >= '0' && v.charAt(i) <= '9';
        }
        if (digits) {
            return Integer.parseInt(v);
        }
        throw new ConfigException(s.where, "\"" + s.value + "\" is not a whole number of seconds from 0 to 999999");
    }

    private Map<String, String> origins(String rulesWhere, Map<String, Setting> inline) {
        Map<String, String> origins = new LinkedHashMap<String, String>();
        for (String key : AGENT_KEYS) {
            if (settings.containsKey(key)) {
                origins.put(key, settings.get(key).where);
            }
        }
        if (!inline.isEmpty()) {
            origins.put("inline rule", inline.containsKey("match") ? inline.get("match").where : "");
        }
        if (rulesWhere != null) {
            origins.put("rules", rulesWhere);
        }
        return origins;
    }

    private final Map<Rule, String> ruleWhere = new HashMap<Rule, String>();

    private String whereOf(Rule rule) {
        return ruleWhere.get(rule);
    }

    private void readAgentArgs(String agentArgs) throws ConfigException {
        if (agentArgs == null) {
            return;
        }
        for (String segment : agentArgs.split(",")) {
            if (segment.trim().isEmpty()) {
                continue;
            }
            int eq = segment.indexOf('=');
            if (eq < 0) {
                throw new ConfigException("agent argument \"" + segment.trim() + "\"",
                        "expected key=value (arguments are key=value pairs separated by commas)");
            }
            String key = segment.substring(0, eq).trim();
            String where = "agent argument " + key;
            if (!allKeys().contains(key)) {
                throw new ConfigException(where, unknownKey(false));
            }
            if (key.equals("rules")) {
                throw new ConfigException(where, "cannot be an agent argument, which is split at commas: give the "
                        + "rules in TOKEN_AGENT_RULES, -Dtokenagent.rules or the config file");
            }
            if (settings.containsKey(key)) {
                throw new ConfigException(where, "given twice");
            }
            settings.put(key, new Setting(segment.substring(eq + 1).trim(), where));
        }
    }

    private void readEnvironment(Map<String, String> env) throws ConfigException {
        for (Map.Entry<String, String> entry : env.entrySet()) {
            if (!entry.getKey().startsWith("TOKEN_AGENT_")) {
                continue;
            }
            String key = Ascii.lowerCase(entry.getKey().substring("TOKEN_AGENT_".length()));
            String where = "environment variable " + entry.getKey();
            if (!allKeys().contains(key)) {
                throw new ConfigException(where, unknownKey(false));
            }
            if (!settings.containsKey(key)) {
                settings.put(key, new Setting(entry.getValue(), where));
            }
        }
    }

    private Rule rule(String name, Map<String, Setting> keys, String fileWhere) throws ConfigException {
        String where = fileWhere != null ? fileWhere : name;
        for (Map.Entry<String, Setting> entry : keys.entrySet()) {
            if (!RULE_KEYS.contains(entry.getKey())) {
                throw new ConfigException(entry.getValue().where, "unknown key in a rule; a rule has "
                        + join(RULE_KEYS));
            }
            checkKind(entry.getKey(), entry.getValue());
        }
        Setting match = keys.get("match");
        Setting resource = keys.containsKey("resource") ? keys.get("resource") : keys.get("scope");
        if (match == null || resource == null) {
            throw new ConfigException(where, "needs both match and resource" + (match == null ? " (match is missing)"
                    : " (resource is missing)"));
        }
        if (keys.containsKey("resource") && keys.containsKey("scope")) {
            throw new ConfigException(where, "has both resource and scope: give one");
        }
        UrlPattern pattern;
        try {
            pattern = UrlPattern.parse(match.value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(match.where, e.getMessage());
        }
        if (resource.value.trim().isEmpty()) {
            throw new ConfigException(resource.where, "is empty: give the resource's App ID URI, "
                    + "e.g. https://vault.azure.net" + (keys.containsKey("scope") ? "/.default" : ""));
        }
        checkNoSpaces(resource);
        Identity identity = Identity.SYSTEM_ASSIGNED;
        Setting selector = null;
        for (Identity.Kind kind : SELECTORS) {
            Setting s = keys.get(kind.parameter());
            if (s == null) {
                continue;
            }
            if (selector != null) {
                throw new ConfigException(where, "has both " + identity.kind().parameter() + " and "
                        + kind.parameter() + ": give at most one");
            }
            if (s.value.trim().isEmpty()) {
                throw new ConfigException(s.where, "is empty");
            }
            checkNoSpaces(s);
            selector = s;
            identity = Identity.userAssigned(kind, s.value.trim());
        }
        Setting authority = keys.get("authority");
        if (authority != null) {
            checkNoSpaces(authority);
        }
        String header = keys.containsKey("header") ? keys.get("header").value : "Authorization";
        if (!isToken(header)) {
            throw new ConfigException(keys.get("header").where, "\"" + header + "\" is not a valid header name");
        }
        for (String managed : CLIENT_HEADERS) {
            if (Ascii.equalsIgnoreCase(header, managed)) {
                throw new ConfigException(keys.get("header").where, "\"" + header + "\" is a header the HTTP client "
                        + "manages itself (" + join(CLIENT_HEADERS) + "): give another");
            }
        }
        String prefix = keys.containsKey("prefix") ? keys.get("prefix").value : "Bearer";
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c < ' ' || c >= 0x7f) {
                throw new ConfigException(keys.get("prefix").where, "has character U+" + ConfigException.hex4(c)
                        + ": only visible ASCII characters and spaces are allowed");
            }
        }
        boolean overwrite = bool(keys.get("overwrite"), false);
        // A rule's own retry_on_401, else the agent's (an inline rule has only the agent's, as with source).
        boolean retryOn401 = bool(keys.get("retry_on_401"), this.retryOn401);
        if (pattern.scheme().equals("http") && !Hosts.isLoopback(pattern.host())) {
            warnings.add(name + " sends tokens over plain http to " + pattern.host()
                    + ": anyone on the network path can read them");
        }
        String audience = resource.value.trim();
        boolean isScope = keys.containsKey("scope");
        TokenRequest request = new TokenRequest(isScope ? null : audience, isScope ? audience : null, identity,
                authority == null || authority.value.trim().isEmpty() ? null : authority.value.trim());
        SourceKind source = keys.containsKey("source") ? ruleSource(keys.get("source")) : null;
        Rule rule = new Rule(name, pattern, request, source, header, prefix.trim(), overwrite,
                retryOn401);
        ruleWhere.put(rule, match.where);
        return rule;
    }

    private URI endpoint() throws ConfigException {
        Setting s = settings.get("endpoint");
        if (s == null) {
            return URI.create(AgentConfig.DEFAULT_ENDPOINT);
        }
        try {
            URI uri = new URI(s.value);
            String scheme = uri.getScheme() == null ? "" : Ascii.lowerCase(uri.getScheme());
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new ConfigException(s.where, "\"" + s.value + "\" is not an absolute http or https URL");
            }
            if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                throw new ConfigException(s.where, "\"" + s.value + "\" must have no user information or fragment");
            }
            if (uri.getRawQuery() != null) {
                throw new ConfigException(s.where, "\"" + s.value + "\" must have no query: the agent adds "
                        + "api-version, resource and the identity itself");
            }
            if (uri.getPort() == 0 || uri.getPort() > 65535) {
                throw new ConfigException(s.where, "\"" + s.value + "\": port " + uri.getPort()
                        + " is not a number from 1 to 65535");
            }
            String host = uri.getHost();
            try {
                Hosts.configured(Hosts.canonical(host), host.startsWith("["));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(s.where, "\"" + s.value + "\": " + e.getMessage());
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(s.where, "\"" + s.value + "\" is not a URL: " + e.getReason());
        }
    }

    /** A date such as 2018-02-01, perhaps with a suffix such as -preview: letters, digits, '.', '-' and '_'. */
    private String apiVersion() throws ConfigException {
        Setting s = settings.get("api_version");
        if (s == null) {
            return AgentConfig.DEFAULT_API_VERSION;
        }
        String value = s.value.trim();
        if (value.isEmpty()) {
            throw new ConfigException(s.where, "is empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                    || c == '_')) {
                throw new ConfigException(s.where, "\"" + s.value + "\" is not an API version such as "
                        + AgentConfig.DEFAULT_API_VERSION + " (letters, digits, '.', '-' and '_')");
            }
        }
        return value;
    }

    /** Text keys must be JSON strings: {@code "resource": 42} is a mistake, not the resource "42". */
    private static void checkKind(String key, Setting s) throws ConfigException {
        if (s.kind != Setting.Kind.STRING && !BOOLEAN_KEYS.contains(key) && !NUMBER_KEYS.contains(key)) {
            throw new ConfigException(s.where, "must be a JSON string, not " + s.value);
        }
    }

    /** An identifier or URI sent to the token endpoint: white space or a control character in it cannot be right. */
    private static void checkNoSpaces(Setting s) throws ConfigException {
        String value = s.value.trim();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw new ConfigException(s.where, "has white space or a control character (U+" + ConfigException.hex4(c) + ")");
            }
        }
    }

    private SourceKind ruleSource(Setting s) throws ConfigException {
        return choice(s, SourceKind.values(), null);
    }

    private <E extends Enum<E>> E choice(String key, E[] values, E defaultValue) throws ConfigException {
        return choice(settings.get(key), values, defaultValue);
    }

    private static <E extends Enum<E>> E choice(Setting s, E[] values, E defaultValue) throws ConfigException {
        if (s == null) {
            return defaultValue;
        }
        List<String> allowed = new ArrayList<String>();
        for (E value : values) {
            String name = Ascii.lowerCase(value.name());
            if (Ascii.equalsIgnoreCase(name, s.value.trim())) {
                return value;
            }
            allowed.add(name);
        }
        throw new ConfigException(s.where, "\"" + s.value + "\" is not one of " + join(allowed));
    }

    private static boolean bool(Setting s, boolean defaultValue) throws ConfigException {
        if (s == null) {
            return defaultValue;
        }
        String v = s.value.trim();
        if (Ascii.equalsIgnoreCase(v, "true") || Ascii.equalsIgnoreCase(v, "false")) {
            return Ascii.equalsIgnoreCase(v, "true");
        }
        throw new ConfigException(s.where, "\"" + s.value + "\" is not one of true and false");
    }

    private long positive(String key, long defaultValue) throws ConfigException {
        Setting s = settings.get(key);
        if (s == null) {
            return defaultValue;
        }
        String digits = s.value.trim();
        boolean number = !digits.isEmpty() && digits.length() <= 10;
        for (int i = 0; i < digits.length(); i++) {
            number &= digits.charAt(i) >= '0' && digits.charAt(i) <= '9';
        }
        if (number) {
            long value = Long.parseLong(digits);
            if (value > 0 && value <= Integer.MAX_VALUE) {
                return value;
            }
        }
        throw new ConfigException(s.where, "\"" + s.value + "\" is not a whole number of milliseconds from 1 to "
                + Integer.MAX_VALUE);
    }

    /** RFC 9110 token: what a header name may be made of. */
    private static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> allKeys() {
        Set<String> keys = new LinkedHashSet<String>(AGENT_KEYS);
        keys.addAll(RULE_KEYS);
        keys.add("rules");
        return keys;
    }

    private static String unknownKey(boolean inFile) {
        List<String> known = new ArrayList<String>(allKeys());
        if (inFile) {
            known.remove("config");
        }
        return "unknown key; known keys are " + join(known);
    }

    private static String join(List<String> items) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            sb.append(i == 0 ? "" : i == items.size() - 1 ? " and " : ", ").append(items.get(i));
        }
        return sb.toString();
    }
}
