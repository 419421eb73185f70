package io.tokenagent.token;

import java.io.IOException;

/**
 * No token could be had. The message names the endpoint and the cause (status, the service's error code and
 * text), never a secret.
 */
public class TokenException extends IOException {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public TokenException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public TokenException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Whether trying again later may succeed (throttling, an outage) rather than a request the endpoint refuses. */
    public boolean isRetryable() {
        return retryable;
    }
}
