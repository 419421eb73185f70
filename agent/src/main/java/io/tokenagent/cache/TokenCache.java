package io.tokenagent.cache;

import io.tokenagent.token.AccessToken;
import io.tokenagent.token.TokenException;
import io.tokenagent.token.TokenRequest;
import io.tokenagent.token.TokenSource;
import java.util.concurrent.CompletableFuture;

/** PLACEHOLDER: replaced by the cache work. */
public final class TokenCache {
    public static TokenCache create(TokenSource source) {
        throw new UnsupportedOperationException("not yet written");
    }

    public AccessToken get(TokenRequest key) throws TokenException {
        throw new UnsupportedOperationException("not yet written");
    }

    public CompletableFuture<AccessToken> getAsync(TokenRequest key) {
        throw new UnsupportedOperationException("not yet written");
    }

    public void prefetch(TokenRequest key) {
        throw new UnsupportedOperationException("not yet written");
    }

    public boolean isIssued(String tokenValue) {
        throw new UnsupportedOperationException("not yet written");
    }
}
