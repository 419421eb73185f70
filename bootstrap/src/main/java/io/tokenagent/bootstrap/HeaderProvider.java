package io.tokenagent.bootstrap;

import java.io.IOException;

/** What the agent implements behind {@link TokenAgentBridge}. See the bridge's methods for the contract. */
public interface HeaderProvider {

    HeaderRule match(String scheme, String host, int port, String rawPath);

    boolean isInjectedValue(String headerValue);

    String[] headerNames();

    IOException hookFailed(String hook, HeaderRule rule, Throwable cause);
}
