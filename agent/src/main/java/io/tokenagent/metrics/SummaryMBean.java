package io.tokenagent.metrics;

/** Totals over every cache key the agent has used. */
public interface SummaryMBean {

    int getKeys();

    long getRequestsInjected();

    long getTokenFetches();

    long getFetchFailures();

    long getRequestsFailed();

    long getRequestsSentWithoutToken();
}
