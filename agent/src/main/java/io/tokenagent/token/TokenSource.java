package io.tokenagent.token;

import io.tokenagent.config.TokenRequest;

/**
 * Where tokens come from: one implementation per kind of token endpoint (IMDS, App Service, Arc, workload
 * identity, ...), built by {@link TokenSources} from the configuration and the environment. A source is bound to
 * one endpoint and one way of authenticating, so one cache per source keys its entries by {@link TokenRequest}.
 */
public interface TokenSource {

    /**
     * Gets a token, retrying what the endpoint's protocol says may be retried, within the source's bounded time.
     * Blocks the calling thread: the cache calls it only from the agent's own threads.
     */
    AccessToken fetch(TokenRequest request) throws TokenException;

    /**
     * The same, for a token the resource has just refused: asks the endpoint not to answer from a cache of its own
     * where its protocol has a way to say so (IMDS's {@code bypass_cache=true}); by default a plain {@link #fetch}.
     */
    default AccessToken fetchBypassingCache(TokenRequest request) throws TokenException {
        return fetch(request);
    }

    /**
     * The longest one {@link #fetch} can take, retries and the last call's timeouts included: what a request may
     * wait for a token, and what the cache's own safety net is derived from.
     */
    long maxFetchMillis();

    /**
     * Why this source cannot serve a request (an identity selector or a scope its protocol cannot express), or
     * null when it can. Asked for every rule at start, where an answer is a configuration error: a source never
     * falls back silently to another identity.
     */
    String unsupported(TokenRequest request);

    /**
     * The source, its endpoint and how it was chosen, for logs and error messages, e.g.
     * {@code App Service http://127.0.0.1:41564/msi/token (IDENTITY_ENDPOINT, IDENTITY_HEADER)}. Never a secret.
     */
    String describe();
}
