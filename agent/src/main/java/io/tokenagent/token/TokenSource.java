package io.tokenagent.token;

/**
 * Where tokens come from: one implementation per kind of token endpoint (IMDS today; App Service, Arc, workload
 * identity later). A source is bound to one endpoint, so one cache per source keys its entries by
 * {@link TokenRequest} alone.
 */
public interface TokenSource {

    /**
     * Gets a token, retrying what the endpoint's protocol says may be retried, within the source's bounded time.
     * Blocks the calling thread: the cache calls it only from the agent's own threads.
     */
    AccessToken fetch(TokenRequest request) throws TokenException;

    /**
     * The longest one {@link #fetch} can take, retries and the last call's timeouts included: what a request may
     * wait for a token, and what the cache's own safety net is derived from.
     */
    long maxFetchMillis();

    /** The endpoint, for logs and error messages, e.g. {@code IMDS http://169.254.169.254/...}. */
    String describe();
}
