package io.tokenagent.config;

/** What a matched request does when no valid token can be had. */
public enum OnFailure {
    /** The request does not go out; the application gets an error through its client's own API. */
    FAIL,
    /** The request goes out without the header, and a rate-limited warning is logged. */
    PROCEED
}
