package io.tokenagent.headers;

import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.cache.KeyStats;
import io.tokenagent.cache.TokenCache;
import io.tokenagent.config.OnFailure;
import io.tokenagent.config.Rule;
import io.tokenagent.logging.Logs;
import io.tokenagent.token.AccessToken;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;

/** One rule's header, as instrumented clients see it: the cached token in the configured form, or the failure. */
final class RuleHeader implements HeaderRule {

    private static final Logger log = Logs.get(RuleHeader.class);
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Rule rule;
    private final TokenCache cache;
    private final OnFailure onFailure;
    private final KeyStats stats;
    private final UnauthorizedRecovery recovery;
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS);
    /** The last token and the header value made from it: a cache hit then allocates nothing. */
    private volatile Object[] lastValue = {null, null};
    /** The hooks that have said they cannot replay for this rule (said once each). */
    private final Set<String> toldCannotReplay = ConcurrentHashMap.newKeySet();

    RuleHeader(Rule rule, TokenCache cache, OnFailure onFailure, UnauthorizedRecovery recovery) {
        this.rule = rule;
        this.recovery = recovery;
        this.cache = cache;
        this.onFailure = onFailure;
        this.stats = cache.stats(rule.tokenRequest());
    }

    @Override
    public String headerName() {
        return rule.header();
    }

    @Override
    public boolean overwrite() {
        return rule.overwrite();
    }

    @Override
    public String headerValue(String scheme, String host, int port) throws IOException {
        try {
            return valueOf(cache.get(rule.tokenRequest()));
        } catch (IOException e) {
            return failed(scheme, host, port, e);
        }
    }

    @Override
    public CompletableFuture<String> headerValueAsync(final String scheme, final String host, final int port) {
        final CompletableFuture<String> result = new CompletableFuture<String>();
        BiConsumer<AccessToken, Throwable> complete = new BiConsumer<AccessToken, Throwable>() {
            @Override
            public void accept(AccessToken token, Throwable error) {
                if (error == null) {
                    result.complete(valueOf(token));
                    return;
                }
                Throwable cause = error.getCause() != null && !(error instanceof IOException) ? error.getCause() : error;
                try {
                    result.complete(failed(scheme, host, port, cause));
                } catch (IOException e) {
                    result.completeExceptionally(e);
                }
            }
        };
        CompletableFuture<AccessToken> token = cache.getAsync(rule.tokenRequest());
        if (token.isDone()) {
            token.whenComplete(complete); // at hand: the caller goes on at once, on its own thread
        } else {
            // Not on the fetch thread: the client's code that runs on completion is the application's, which the
            // agent never intercepts on its own threads, and it must not hold up other fetches.
            token.whenCompleteAsync(complete, CallbackThreads.executor());
        }
        return result;
    }

    @Override
    public boolean unauthorized(String sentValue, List<String> challenges, boolean replayable) {
        if (!UnauthorizedRecovery.hasBearerChallenge(challenges)) {
            log.debug("{}: 401 without a Bearer challenge; the token stays", rule.name());
            return false;
        }
        String token = rule.prefix().isEmpty() ? sentValue : sentValue.substring(rule.prefix().length() + 1);
        boolean another = recovery.refused(rule.name(), rule.tokenRequest(), token);
        return another && replayable && rule.retryOn401();
    }

    @Override
    public void replayNotPossible(String hook) {
        if (toldCannotReplay.add(hook)) {
            log.warn("{}: retry_on_401 is set, but {} cannot send a request again: its application sees the 401, and "
                    + "its next request gets the new token", rule.name(), hook);
        }
    }

    /** The header value for a request that will carry it. */
    private String valueOf(AccessToken token) {
        stats.requestInjected();
        Object[] last = lastValue;
        if (last[0] == token) {
            return (String) last[1];
        }
        String value = rule.prefix().isEmpty() ? token.value() : rule.prefix() + ' ' + token.value();
        lastValue = new Object[] {token, value};
        return value;
    }

    /** Returns null (go without the header) or throws the application-facing error, as configured. */
    private String failed(String scheme, String host, int port, Throwable cause) throws IOException {
        // The sources' messages end with the request too: named once, up front, beside the origin.
        String request = " (" + rule.tokenRequest() + ")";
        String why = String.valueOf(cause.getMessage());
        String message = "token-agent: no token for " + origin(scheme, host, port) + request + ": "
                + (why.endsWith(request) ? why.substring(0, why.length() - request.length()) : why);
        if (onFailure == OnFailure.FAIL) {
            stats.requestFailed();
            throw new IOException(message, cause);
        }
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARNING_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
            log.warn("{}; sending the request without {} (on_failure=proceed; this warning repeats at most once "
                    + "a minute per rule)", message.substring("token-agent: ".length()), rule.header());
        }
        stats.requestSentWithoutToken();
        return null;
    }

    static String origin(String scheme, String host, int port) {
        String lower = scheme == null ? "" : scheme.toLowerCase(java.util.Locale.ROOT);
        boolean defaultPort = port == -1 || (port == 80 && lower.equals("http"))
                || (port == 443 && lower.equals("https"));
        return lower + "://" + host + (defaultPort ? "" : ":" + port);
    }
}
