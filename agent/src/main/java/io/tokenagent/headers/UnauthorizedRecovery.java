package io.tokenagent.headers;

import io.tokenagent.cache.TokenCache;
import io.tokenagent.config.TokenRequest;
import io.tokenagent.logging.Logs;
import io.tokenagent.matching.Ascii;
import io.tokenagent.token.AccessToken;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * What a {@code 401} with a Bearer challenge does to one token cache: the refused token is dropped and a new one
 * fetched bypassing the endpoint's own cache, at most once per key per {@value #INTERVAL_MILLIS} ms, so that a
 * resource that refuses every token cannot turn each request into a token fetch.
 */
final class UnauthorizedRecovery {

    private static final Logger log = Logs.get(UnauthorizedRecovery.class);
    static final long INTERVAL_MILLIS = 30000;

    private final TokenCache cache;
    private final LongSupplier clock;
    /** When each key's token was last dropped. */
    private final ConcurrentHashMap<TokenRequest, Long> lastDropped = new ConcurrentHashMap<TokenRequest, Long>();

    /** @param clock epoch milliseconds */
    UnauthorizedRecovery(TokenCache cache, LongSupplier clock) {
        this.cache = cache;
        this.clock = clock;
    }

    /**
     * Drops {@code token}, the key's, and starts fetching a new one, unless this key's token was dropped less than
     * the interval ago or the cache has moved on from it already.
     *
     * @param rule the rule's name, for the log line
     * @return whether the request that was refused {@code token} would now get another
     */
    boolean refused(String rule, TokenRequest key, String token) {
        long now = clock.getAsLong();
        Long last = lastDropped.get(key);
        // A clock set back counts as the interval having passed: a refused token must not stick for hours.
        boolean limited = last != null && now >= last && now - last < INTERVAL_MILLIS;
        boolean dropped = false;
        if (!limited && claim(key, last, now)) {
            dropped = cache.invalidate(key, token);
            if (!dropped) {
                release(key, last, now); // nothing dropped: the interval starts with the next real drop
            }
        }
        if (dropped) {
            log.info("{}: the resource refused the token ({}) with a Bearer challenge; fetching a new one for {}",
                    rule, AccessToken.fingerprint(token), key);
        } else {
            log.debug("{}: the resource refused the token ({}); not fetching another for {} ({})", rule,
                    AccessToken.fingerprint(token), key, limited ? "one was fetched less than 30 s ago" : "already new");
        }
        AccessToken current = cache.current(key);
        return current == null || !current.value().equals(token);
    }

    private boolean claim(TokenRequest key, Long last, long now) {
        return last == null ? lastDropped.putIfAbsent(key, now) == null : lastDropped.replace(key, last, now);
    }

    private void release(TokenRequest key, Long last, long now) {
        if (last == null) {
            lastDropped.remove(key, now);
        } else {
            lastDropped.replace(key, now, last);
        }
    }

    /** Whether one of the {@code WWW-Authenticate} values holds a challenge of the Bearer scheme (RFC 9110 11.6.1). */
    static boolean hasBearerChallenge(List<String> values) {
        for (String value : values) {
            if (value != null && hasBearerChallenge(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A value is one or more challenges separated by commas, each a scheme followed by a token68 or by
     * {@code name=value} parameters (which are comma-separated too): a scheme is a token at the start or after a
     * comma, outside quotes, that is not followed by {@code =}.
     */
    private static boolean hasBearerChallenge(String value) {
        boolean quoted = false;
        boolean atItem = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
                atItem = false;
            } else if (c == ',') {
                atItem = true;
            } else if (atItem && c != ' ' && c != '\t') {
                int end = i;
                while (end < value.length() && isTokenChar(value.charAt(end))) {
                    end++;
                }
                int next = end;
                while (next < value.length() && (value.charAt(next) == ' ' || value.charAt(next) == '\t')) {
                    next++;
                }
                boolean parameter = next < value.length() && value.charAt(next) == '=';
                if (!parameter && Ascii.equalsIgnoreCase(value.substring(i, end), "Bearer")) {
                    return true;
                }
                atItem = false;
                i = Math.max(i, end - 1);
            }
        }
        return false;
    }

    private static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
