package io.tokenagent.cli;

import io.tokenagent.thread.AgentThread;
import io.tokenagent.agent.RuleSources;
import io.tokenagent.config.AgentConfig;
import io.tokenagent.config.ConfigException;
import io.tokenagent.config.ConfigLoader;
import io.tokenagent.config.Rule;
import io.tokenagent.logging.Durations;
import io.tokenagent.matching.UrlPattern;
import io.tokenagent.token.AccessToken;
import io.tokenagent.token.SourceContext;
import io.tokenagent.token.TokenException;
import io.tokenagent.token.TokenSource;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code doctor [key=value,...] [URL...]}: what the agent would decide here, and why. The options come from the
 * same sources as the agent's; it prints each option and where it came from, the token source and how it was
 * chosen, for each URL the rule that matches it (or the nearest rule and what differs), then makes one real token
 * fetch per rule concerned, showing resource, identity, expiry and fingerprint, never the token. Exit status 0
 * only when everything checked is healthy.
 */
final class DoctorCommand {

    private final PrintStream out;
    private int problems;

    DoctorCommand(PrintStream out) {
        this.out = out;
    }

    int run(List<String> args, Function<String, String> systemProperty, Iterable<String> propertyNames,
            Map<String, String> env) {
        String options = args.isEmpty() || looksLikeUrl(args.get(0)) ? null : args.get(0);
        List<String> urls = args.subList(options == null ? 0 : 1, args.size());
        AgentConfig config;
        RuleSources sources;
        try {
            config = ConfigLoader.load(options, systemProperty, propertyNames, env);
            sources = RuleSources.create(config, new SourceContext(config, env, systemProperty,
                    AgentThread.factory("deadline")));
        } catch (ConfigException e) {
            out.println("token-agent: configuration error: " + e.getMessage());
            return 1;
        }
        printOptions(config);
        if (config.rules().isEmpty()) {
            problem("no rules: the agent would instrument nothing");
            return 1;
        }
        out.println("tokens from: " + sources.describe());
        Set<Rule> concerned = new LinkedHashSet<Rule>();
        for (String url : urls) {
            Rule rule = explain(config, url);
            if (rule != null) {
                concerned.add(rule);
            }
        }
        if (urls.isEmpty()) {
            concerned.addAll(config.rules());
        }
        for (Rule rule : concerned) {
            fetch(rule, sources.sourceOf(rule));
        }
        out.println(problems == 0 ? "healthy" : problems + (problems == 1 ? " problem" : " problems"));
        return problems == 0 ? 0 : 1;
    }

    private static boolean looksLikeUrl(String arg) {
        return arg.startsWith("http://") || arg.startsWith("https://");
    }

    private void printOptions(AgentConfig config) {
        out.println("options:");
        option(config, "source", config.source().configName());
        option(config, "endpoint", config.endpoint().toString());
        option(config, "api_version", config.apiVersion());
        option(config, "on_failure", config.onFailure().name().toLowerCase(java.util.Locale.ROOT));
        option(config, "log_level", config.logLevel().name().toLowerCase(java.util.Locale.ROOT));
        option(config, "prefetch", Boolean.toString(config.prefetch()));
        option(config, "connect_timeout_ms", Integer.toString(config.connectTimeoutMillis()));
        option(config, "read_timeout_ms", Integer.toString(config.readTimeoutMillis()));
        option(config, "retry_timeout_ms", Long.toString(config.retryTimeoutMillis()));
        for (Rule rule : config.rules()) {
            out.println("  " + rule + (rule.source() == null ? "" : ", source " + rule.source().configName()));
        }
        String rulesFrom = config.origins().get("rules");
        String inlineFrom = config.origins().get("inline rule");
        out.println("  (" + config.rules().size() + " rule" + (config.rules().size() == 1 ? "" : "s")
                + (inlineFrom != null ? "; the inline rule from " + inlineFrom : "")
                + (rulesFrom != null ? "; rules[] from " + rulesFrom : "") + ")");
        for (String warning : config.warnings()) {
            out.println("  warning: " + warning);
        }
    }

    private void option(AgentConfig config, String key, String value) {
        String from = config.origins().get(key);
        if (from == null && key.equals("source") && config.origins().containsKey("endpoint")) {
            from = "an endpoint was given";
        }
        out.println("  " + key + " = " + value + " (" + (from == null ? "default" : from) + ")");
    }

    /** Prints which rule a URL gets, or the nearest and why not; returns the matching rule or null. */
    private Rule explain(AgentConfig config, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            problem("url " + url + ": not a URL: " + e.getReason());
            return null;
        }
        Rule nearest = null;
        UrlPattern.Mismatch nearestWhy = null;
        for (Rule rule : config.rules()) {
            UrlPattern.Mismatch why = rule.match().mismatch(uri.getScheme(), uri.getHost(), uri.getPort(),
                    uri.getRawPath());
            if (why == null) {
                out.println("url " + url + ": " + rule);
                return rule;
            }
            if (nearestWhy == null || why.stage > nearestWhy.stage) {
                nearest = rule;
                nearestWhy = why;
            }
        }
        problem("url " + url + ": no rule matches; the nearest is " + nearest.name() + " (" + nearest.match()
                + "): " + nearestWhy.reason);
        return null;
    }

    private void fetch(Rule rule, TokenSource source) {
        try {
            AccessToken token = source.fetch(rule.tokenRequest());
            out.println("token for " + rule.name() + ": " + rule.tokenRequest() + ", expires in "
                    + Durations.seconds(token.expiresAtMillis() - token.obtainedAtMillis()) + ", "
                    + token.fingerprint());
        } catch (TokenException e) {
            problem("token for " + rule.name() + ": " + e.getMessage());
        }
    }

    private void problem(String line) {
        problems++;
        out.println("PROBLEM " + line);
    }

    /** Every argument after {@code doctor}. */
    static List<String> rest(String[] args) {
        List<String> rest = new ArrayList<String>();
        for (int i = 1; i < args.length; i++) {
            rest.add(args[i]);
        }
        return rest;
    }
}
