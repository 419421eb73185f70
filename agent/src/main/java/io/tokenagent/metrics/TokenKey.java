package io.tokenagent.metrics;

import io.tokenagent.cache.KeyStats;
import io.tokenagent.cache.TokenCache;
import io.tokenagent.config.TokenRequest;
import io.tokenagent.token.AccessToken;

/** Reads one key's statistics and current token from its cache when JMX asks; keeps no state of its own. */
final class TokenKey implements TokenKeyMBean {

    private final TokenCache cache;
    private final TokenRequest key;
    private final KeyStats stats;

    TokenKey(TokenCache cache, TokenRequest key) {
        this.cache = cache;
        this.key = key;
        this.stats = cache.stats(key);
    }

    KeyStats stats() {
        return stats;
    }

    @Override
    public String getSource() {
        return cache.sourceDescription();
    }

    @Override
    public String getResource() {
        return key.resource() != null ? key.resource() : key.scope();
    }

    @Override
    public String getIdentity() {
        return key.identity().toString();
    }

    @Override
    public long getRequestsInjected() {
        return stats.requestsInjected();
    }

    @Override
    public long getTokenFetches() {
        return stats.tokenFetches();
    }

    @Override
    public long getFetchFailures() {
        return stats.fetchFailures();
    }

    @Override
    public long getBackgroundRefreshes() {
        return stats.backgroundRefreshes();
    }

    @Override
    public long getRequestsFailed() {
        return stats.requestsFailed();
    }

    @Override
    public long getRequestsSentWithoutToken() {
        return stats.requestsSentWithoutToken();
    }

    @Override
    public long getSecondsToExpiry() {
        AccessToken token = cache.current(key);
        return token == null ? -1 : Math.floorDiv(token.expiresAtMillis() - System.currentTimeMillis(), 1000L);
    }

    @Override
    public String getTokenFingerprint() {
        AccessToken token = cache.current(key);
        return token == null ? null : token.fingerprint();
    }

    @Override
    public String getLastError() {
        return stats.lastError();
    }
}
