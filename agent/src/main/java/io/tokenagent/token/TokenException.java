package io.tokenagent.token;

import java.io.IOException;

/**
 * No token could be had. The message names the endpoint and the cause (status, the service's error code and
 * text), never a secret.
 */
public class TokenException extends IOException {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final long retryAfterMillis;

    public TokenException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
        this.retryAfterMillis = 0;
    }

    public TokenException(String message, boolean retryable, Throwable cause) {
        this(message, retryable, cause, 0);
    }

    /** @param retryAfterMillis how long from now no new attempt should be made, as the endpoint's answer says */
    public TokenException(String message, boolean retryable, Throwable cause, long retryAfterMillis) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfterMillis = retryAfterMillis;
    }

    /** Whether trying again later may succeed (throttling, an outage) rather than a request the endpoint refuses. */
    public boolean isRetryable() {
        return retryable;
    }

    /** How long from when it was thrown no new attempt should be made (Retry-After or the backoff); 0 if unsaid. */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }
}
