package io.tokenagent.headers;

import io.tokenagent.thread.AgentThread;
import io.tokenagent.bootstrap.HeaderProvider;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.cache.TokenCache;
import io.tokenagent.config.AgentConfig;
import io.tokenagent.config.Rule;
import java.io.IOException;
import io.tokenagent.token.SystemClock;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The agent behind the bridge: matches request URLs against the rules and hands out their headers. */
public final class RuleHeaders implements HeaderProvider {

    private final RuleMatcher matcher;
    private final Map<Rule, RuleHeader> headers = new IdentityHashMap<Rule, RuleHeader>();
    private final Set<TokenCache> caches = new LinkedHashSet<TokenCache>();
    private final String[] headerNames;
    private final String[] prefixes;
    private final HookFailures hookFailures;

    /** @param caches each rule's token cache (one per source) */
    public RuleHeaders(AgentConfig config, Map<Rule, TokenCache> caches) {
        this.matcher = new RuleMatcher(config.rules());
        this.hookFailures = new HookFailures(config.onFailure());
        Set<String> names = new LinkedHashSet<String>();
        Set<String> valuePrefixes = new LinkedHashSet<String>();
        Map<TokenCache, UnauthorizedRecovery> recoveries = new HashMap<TokenCache, UnauthorizedRecovery>();
        for (Rule rule : config.rules()) {
            TokenCache cache = caches.get(rule);
            UnauthorizedRecovery recovery = recoveries.get(cache);
            if (recovery == null) {
                recovery = new UnauthorizedRecovery(cache, SystemClock.INSTANCE);
                recoveries.put(cache, recovery);
            }
            headers.put(rule, new RuleHeader(rule, cache, config.onFailure(), recovery));
            this.caches.add(cache);
            names.add(rule.header());
            valuePrefixes.add(rule.prefix().isEmpty() ? "" : rule.prefix() + ' ');
        }
        this.headerNames = names.toArray(new String[0]);
        this.prefixes = valuePrefixes.toArray(new String[0]);
    }

    @Override
    public HeaderRule match(String scheme, String host, int port, String rawPath) {
        if (host == null || AgentThread.isCurrent()) {
            return null; // the agent's own calls (to the token endpoint) are never touched
        }
        Rule rule = matcher.match(scheme, host, port, rawPath);
        return rule == null ? null : headers.get(rule);
    }

    @Override
    public boolean isInjectedValue(String headerValue) {
        for (String prefix : prefixes) {
            if (headerValue.startsWith(prefix) && isIssued(headerValue.substring(prefix.length()))) {
                return true;
            }
        }
        return false;
    }

    private boolean isIssued(String token) {
        for (TokenCache cache : caches) {
            if (cache.isIssued(token)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public IOException hookFailed(String hook, HeaderRule rule, Throwable cause) {
        return hookFailures.report(hook, rule != null, cause);
    }

    @Override
    public String[] headerNames() {
        return headerNames; // shared: the bridge's contract says callers only read it
    }
}
