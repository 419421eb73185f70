package io.tokenagent.bootstrap;

import java.io.IOException;

/**
 * The one door from instrumented client code into the agent.
 *
 * <p>This class is defined in the boot class loader at start, so that code in any class loader (the JDK's own
 * classes included) can call it. It holds no logic: until the agent installs its {@link HeaderProvider}, every
 * method answers "leave the request alone".
 */
public final class TokenAgentBridge {

    private static final String[] NO_NAMES = new String[0];

    private static volatile HeaderProvider provider;

    private TokenAgentBridge() {
    }

    /** Called once by the agent when it has started. */
    public static void install(HeaderProvider headerProvider) {
        provider = headerProvider;
    }

    /**
     * The rule for a request about to go to this URL, or {@code null} when the request must be left as it is.
     *
     * @param scheme the URL's scheme, as the client will use it
     * @param host the host the client will connect to (IPv6 literals with or without brackets)
     * @param port the port, or -1 for the scheme's default
     * @param rawPath the path as it will be sent, still percent-encoded; {@code null} or empty for "/"
     */
    public static HeaderRule match(String scheme, String host, int port, String rawPath) {
        HeaderProvider p = provider;
        return p == null ? null : p.match(scheme, host, port, rawPath);
    }

    /**
     * Whether a header value on a request is one the agent put there. Instrumentation uses it to take the
     * agent's header off a request object that is being re-sent to a URL (a redirect hop) that must not carry it.
     */
    public static boolean isInjectedValue(String headerValue) {
        HeaderProvider p = provider;
        return p != null && headerValue != null && p.isInjectedValue(headerValue);
    }

    /** Every header name some rule may add; empty before the agent has started. Shared: read it, never write. */
    public static String[] headerNames() {
        HeaderProvider p = provider;
        return p == null ? NO_NAMES : p.headerNames();
    }

    /**
     * The failure channel: a hook reports what it caught instead of swallowing it. The agent logs it at
     * {@code warn}, at most once a minute per hook and cause.
     *
     * @param hook the hook's name
     * @param rule the rule the request was matched to, or {@code null} when the hook failed before it knew
     * @return the error to fail the request with, through the client's own error path, when a rule applied and the
     *     configuration says {@code on_failure=fail}; else {@code null}: the request goes on as without the agent
     */
    public static IOException hookFailed(String hook, HeaderRule rule, Throwable cause) {
        HeaderProvider p = provider;
        return p == null ? null : p.hookFailed(hook, rule, cause);
    }
}
