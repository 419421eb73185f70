package io.tokenagent.bootstrap;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The header that one configured rule adds to the requests it matches. One instance per rule: it holds no
 * request state, so instrumentation may keep it only for the duration of one request.
 */
public interface HeaderRule {

    /** The header's name, as configured ({@code Authorization} by default). */
    String headerName();

    /** Whether a header of that name already on the request is replaced ({@code true}) or left alone. */
    boolean overwrite();

    /**
     * The header's value ({@code "<prefix> <token>"}) for a request to the given origin. Returns at once when a
     * valid token is cached; otherwise waits, bounded by the configured timeouts, for the one fetch in flight.
     *
     * @return the value, or {@code null} when no token can be had and the configuration says to proceed without
     * @throws IOException when no token can be had and the configuration says to fail; its message starts with
     *     {@code token-agent:} and names the origin, the resource and the cause
     */
    String headerValue(String scheme, String host, int port) throws IOException;

    /**
     * The same as {@link #headerValue}, for asynchronous clients: never blocks the calling thread. The future
     * completes with the value or {@code null}, or fails with the {@link IOException} described there.
     *
     * <p>When a valid token is cached the future is already complete on return: apply the value at once. Otherwise
     * it completes later on an agent callback thread (an ordinary thread, never an I/O or event-loop thread):
     * continuations that must run on the client's own event loop must hop there themselves.
     */
    CompletableFuture<String> headerValueAsync(String scheme, String host, int port);

    /**
     * Told that a request which carried {@code sentValue}, this rule's header, was answered {@code 401} with these
     * {@code WWW-Authenticate} values. The rule decides (see the README's "401 recovery"): with a Bearer challenge it
     * drops the token and fetches a new one, at most once per token per 30 seconds. Never blocks, never throws.
     *
     * @param replayable whether the request is safe to send again (GET, HEAD or OPTIONS without a body)
     * @return whether the hook sends the request once more (with {@link #headerValue}, which waits for the new
     *     token as any request does); the hook sends a request once more at most. By default false: nothing to do
     */
    default boolean unauthorized(String sentValue, List<String> challenges, boolean replayable) {
        return false;
    }

    /**
     * Told that {@code hook}, whose client cannot send a request again, dropped the request's replay that this rule
     * asked for ({@code retry_on_401}): the application sees the 401. Says so once, at {@code warn}.
     */
    default void replayNotPossible(String hook) {
    }
}
