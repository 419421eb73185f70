package io.tokenagent.bootstrap;

import java.io.IOException;
import java.util.List;

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

    /**
     * What a hook does with a response: when it is a {@code 401} to a request that carried the agent's header
     * ({@code rule}'s), tells the rule (see {@link HeaderRule#unauthorized}). Anything else does nothing. Never throws:
     * what goes wrong is reported on the failure channel and the response goes to the application as it is.
     *
     * @param sent the headers the request was sent with
     * @param challenges the response's {@code WWW-Authenticate} values
     * @param method the request's method; {@code hasBody} whether it had a body
     * @return whether the hook sends the request once more, with a new header value, and hands the application only
     *     that second answer
     */
    public static boolean replayAfter(String hook, HeaderRule rule, RequestHeaders sent, int status,
            List<String> challenges, String method, boolean hasBody) {
        if (status != 401 || rule == null) {
            return false;
        }
        try {
            for (String value : sent.values(rule.headerName())) {
                if (TokenAgentBridge.isInjectedValue(value)) {
                    return rule.unauthorized(value, challenges, !hasBody && isSafe(method));
                }
            }
        } catch (Throwable t) {
            TokenAgentBridge.hookFailed(hook, null, t);
        }
        return false;
    }

    /**
     * {@link #replayAfter} for a hook whose client cannot send a request again: the token is renewed as usual, and a
     * rule with {@code retry_on_401} hears, once, that the application sees this 401 all the same.
     */
    public static void renewAfter(String hook, HeaderRule rule, RequestHeaders sent, List<String> challenges) {
        // Asked as for a request that could be sent again: true only when the rule would have wanted it sent.
        if (replayAfter(hook, rule, sent, 401, challenges, "GET", false)) {
            rule.replayNotPossible(hook);
        }
    }

    /** GET, HEAD and OPTIONS: the methods the agent may send twice (RFC 9110 safe methods, less TRACE). */
    private static boolean isSafe(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }
}
