package io.tokenagent.token;

/** One failed attempt at a token endpoint: what happened, and whether and when it is worth trying again. */
final class AttemptFailure extends TokenException {

    private static final long serialVersionUID = 1L;

    /** The endpoint is updating (IMDS's 410): keep trying for at least {@link RetryingFetch#GONE_RETRY_MILLIS}. */
    final boolean gone;
    /** What the endpoint asked for with {@code Retry-After}, 0 when it did not. */
    final long retryAfterMillis;

    AttemptFailure(String message, boolean retryable, boolean gone, long retryAfterMillis) {
        super(message, retryable);
        this.gone = gone;
        this.retryAfterMillis = retryAfterMillis;
    }

    static AttemptFailure transientFailure(String message) {
        return new AttemptFailure(message, true, false, 0);
    }
}
