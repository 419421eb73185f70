package io.tokenagent.metrics;

/** One cache key (source, resource, identity) as JMX shows it. Nothing here is secret: a fingerprint, not a token. */
public interface TokenKeyMBean {

    String getSource();

    String getResource();

    String getIdentity();

    long getRequestsInjected();

    long getTokenFetches();

    long getFetchFailures();

    long getBackgroundRefreshes();

    /** Requests withheld and failed for want of a token ({@code on_failure=fail}). */
    long getRequestsFailed();

    /** Requests sent without the header for want of a token ({@code on_failure=proceed}). */
    long getRequestsSentWithoutToken();

    /** Seconds until the current token expires (negative once it has), -1 when there is none. */
    long getSecondsToExpiry();

    /** {@code sha256:xxxxxxxx} of the current token, or null. */
    String getTokenFingerprint();

    /** The last fetch failure's message, or null. */
    String getLastError();
}
