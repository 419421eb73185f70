package io.tokenagent.agent;

import io.tokenagent.thread.AgentThread;
import io.tokenagent.cache.TokenCache;
import io.tokenagent.config.AgentConfig;
import io.tokenagent.config.ConfigException;
import io.tokenagent.config.Rule;
import io.tokenagent.config.SourceKind;
import io.tokenagent.token.SourceContext;
import io.tokenagent.token.TokenSource;
import io.tokenagent.token.TokenSources;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each rule's token source (its own {@code source}, else the agent's), built once per source and checked against
 * every rule that uses it before {@code main}: a source that cannot serve a rule is a configuration error. One
 * cache per source, so the source is part of every cache key.
 */
public final class RuleSources {

    private final Map<Rule, TokenSource> byRule = new IdentityHashMap<Rule, TokenSource>();
    /** Each source once, in the order rules first name them. */
    private final Map<TokenSource, TokenCache> caches = new LinkedHashMap<TokenSource, TokenCache>();

    private RuleSources() {
    }

    public static RuleSources create(AgentConfig config, SourceContext context) throws ConfigException {
        RuleSources sources = new RuleSources();
        Map<SourceKind, TokenSource> built = new EnumMap<SourceKind, TokenSource>(SourceKind.class);
        for (Rule rule : config.rules()) {
            SourceKind kind = rule.source() != null ? rule.source() : config.source();
            TokenSource source = built.get(kind);
            if (source == null) {
                source = TokenSources.create(kind, context);
                built.put(kind, source);
                // A request waits max_wait_ms at most; a fetch that ends sooner by its own bound ends the wait
                long maxWait = Math.min(config.maxWaitMillis(), source.maxFetchMillis() + 5000);
                sources.caches.put(source, TokenCache.create(source, maxWait, AgentThread.factory("token")));
            }
            String unsupported = source.unsupported(rule.tokenRequest());
            if (unsupported != null) {
                throw new ConfigException(rule.name(), unsupported + " (tokens from " + source.describe() + ")");
            }
            sources.byRule.put(rule, source);
        }
        return sources;
    }

    /** Each rule's cache: one per source (a cache starts no thread before a token is asked for). */
    Map<Rule, TokenCache> caches() {
        Map<Rule, TokenCache> byRuleCache = new IdentityHashMap<Rule, TokenCache>();
        for (Map.Entry<Rule, TokenSource> entry : byRule.entrySet()) {
            byRuleCache.put(entry.getKey(), caches.get(entry.getValue()));
        }
        return byRuleCache;
    }

    /** The rule's source. */
    public TokenSource sourceOf(Rule rule) {
        return byRule.get(rule);
    }

    /** The sources in use, for the start-up line. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (TokenSource source : caches.keySet()) {
            sb.append(sb.length() == 0 ? "" : "; ").append(source.describe());
        }
        return sb.toString();
    }
}
