package io.tokenagent.bootstrap;

import java.io.IOException;

/**
 * The agent's header policy, the same for every client: whether a matched request gets the rule's header (not
 * when the application set that header itself and the rule does not overwrite it), and taking the agent's header
 * off a request that is re-sent to another URL (a redirect hop, a retry). Hooks keep only what is their client's.
 */
public final class HeaderPolicy {

    private HeaderPolicy() {
    }

    /** Whether a request matched to {@code rule} (null: unmatched) gets its header. */
    public static boolean applies(HeaderRule rule, RequestHeaders request) throws Exception {
        return rule != null && (rule.overwrite() || request.values(rule.headerName()).isEmpty());
    }

    /**
     * What a synchronous hook does with what it caught: reports it on the failure channel, then throws the
     * {@code on_failure=fail} error when the request had matched a rule, or returns to let it go on as without the
     * agent.
     */
    public static void failOrGoOn(String hook, HeaderRule rule, Throwable cause) throws IOException {
        IOException error = TokenAgentBridge.hookFailed(hook, rule, cause);
        if (error != null) {
            throw error;
        }
    }

    /**
     * Takes off every header of a name some rule adds when one of its values is a token the agent issued: the
     * header an earlier hop of the same request object got.
     *
     * @return whether one was taken off
     */
    public static boolean removeInjected(RequestHeaders request) throws Exception {
        boolean removed = false;
        for (String name : TokenAgentBridge.headerNames()) {
            for (String value : request.values(name)) {
                if (TokenAgentBridge.isInjectedValue(value)) {
                    request.remove(name);
                    removed = true;
                    break;
                }
            }
        }
        return removed;
    }
}
