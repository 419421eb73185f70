package io.tokenagent.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenagent.thread.AgentThread;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.cache.TokenCache;
import io.tokenagent.config.AgentConfig;
import io.tokenagent.config.ConfigLoader;
import io.tokenagent.config.Rule;
import io.tokenagent.token.AccessToken;
import io.tokenagent.token.TokenException;
import io.tokenagent.config.TokenRequest;
import io.tokenagent.token.TokenSource;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RuleHeadersTest {

    private final AtomicReference<Object> next = new AtomicReference<>();
    private final TokenSource source = new TokenSource() {
        @Override
        public AccessToken fetch(TokenRequest request) throws TokenException {
            Object result = next.get();
            if (result instanceof TokenException e) {
                throw e;
            }
            return new AccessToken((String) result, System.currentTimeMillis(), System.currentTimeMillis() + 3_600_000,
                    -1);
        }

        @Override
        public String describe() {
            return "IMDS http://127.0.0.1:1/token";
        }

        @Override
        public long maxFetchMillis() {
            return 5000;
        }


        @Override

        public String unsupported(TokenRequest request) {

            return null;

        }
    };

    private RuleHeaders headers(String args) throws Exception {
        AgentConfig config = ConfigLoader.load("endpoint=http://127.0.0.1:1/token," + args, k -> null, Map.of());
        return new RuleHeaders(config, cachePerRule(config, TokenCache.create(source, 5000,
                AgentThread.factory("token"))));
    }

    @Test
    void matchedRequestGetsThePrefixedTokenAndUnmatchedGetsNothing() throws Exception {
        next.set("tok-1");
        RuleHeaders headers = headers("match=https://api.example/v1,resource=https://r");
        HeaderRule rule = headers.match("https", "api.example", -1, "/v1/items");
        assertEquals("Authorization", rule.headerName());
        assertEquals("Bearer tok-1", rule.headerValue("https", "api.example", -1));
        assertSame(rule.headerValue("https", "api.example", -1), rule.headerValue("https", "api.example", -1),
                "a cache hit reuses the header value");
        assertNull(headers.match("https", "api.example", -1, "/v2"));
        assertNull(headers.match("https", null, -1, "/v1"));
        assertTrue(headers.isInjectedValue("Bearer tok-1"));
        assertFalse(headers.isInjectedValue("Bearer tok-2"));
        assertFalse(headers.isInjectedValue("tok-1"));
    }

    @Test
    void theAgentsOwnThreadsAreNeverMatched() throws Exception {
        RuleHeaders headers = headers("match=https://api.example,resource=https://r");
        AtomicReference<Object> seen = new AtomicReference<>("unset");
        Thread agentThread = AgentThread.factory("test").newThread(() -> seen.set(headers.match("https",
                "api.example", -1, "/")));
        agentThread.start();
        agentThread.join();
        assertNull(seen.get());
    }

    @Test
    void failClosedThrowsAnErrorNamingOriginResourceAndCause() throws Exception {
        next.set(new TokenException("IMDS http://127.0.0.1:1/token: HTTP 400 invalid_request: Identity not found"
                + " (resource https://r (client_id=abc))", false));
        HeaderRule rule = headers("match=https://api.example:8443,resource=https://r,client_id=abc").match("https",
                "api.example", 8443, "/");
        IOException e = assertThrows(IOException.class, () -> rule.headerValue("https", "api.example", 8443));
        assertEquals("token-agent: no token for https://api.example:8443 (resource https://r (client_id=abc)): "
                + "IMDS http://127.0.0.1:1/token: HTTP 400 invalid_request: Identity not found", e.getMessage());
        CompletionException async = assertThrows(CompletionException.class,
                () -> rule.headerValueAsync("https", "api.example", 8443).join());
        assertTrue(async.getCause() instanceof IOException);
        assertTrue(async.getCause().getMessage().startsWith("token-agent: no token for https://api.example:8443"),
                async.getCause().getMessage());
    }

    @Test
    void proceedGivesNoValue() throws Exception {
        next.set(new TokenException("IMDS: HTTP 403 forbidden", false));
        HeaderRule rule = headers("on_failure=proceed,match=https://api.example,resource=https://r,header=X-T,prefix=")
                .match("https", "api.example", 443, "/");
        assertNull(rule.headerValue("https", "api.example", 443));
        assertNull(rule.headerValueAsync("https", "api.example", 443).join());
    }

    @Test
    void anAsyncValueIsAtHandWhenCachedAndOtherwiseContinuesOnAThreadWhereRequestsAreStillMatched()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AgentConfig config = ConfigLoader.load("endpoint=http://127.0.0.1:1/token,"
                + "match=https://api.example,resource=https://r", k -> null, Map.of());
        RuleHeaders headers = new RuleHeaders(config, cachePerRule(config, TokenCache.create(
                new TokenSource() {
                    @Override
                    public long maxFetchMillis() {
                        return 5000;
                    }

                    @Override
                    public String unsupported(TokenRequest request) {
                        return null;
                    }

                    @Override
                    public AccessToken fetch(TokenRequest request) throws TokenException {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            throw new TokenException("interrupted", false);
                        }
                        long now = System.currentTimeMillis();
                        return new AccessToken("slow", now, now + 3_600_000, -1);
                    }

                    @Override
                    public String describe() {
                        return "IMDS";
                    }
                }, 5000, AgentThread.factory("token"))));
        HeaderRule rule = headers.match("https", "api.example", 443, "/");
        CompletableFuture<String> first = rule.headerValueAsync("https", "api.example", 443);
        AtomicReference<Object> matchedWhereItContinues = new AtomicReference<>();
        AtomicReference<Thread> continuedOn = new AtomicReference<>();
        CompletableFuture<String> continued = first.thenApply(value -> {
            continuedOn.set(Thread.currentThread());
            matchedWhereItContinues.set(headers.match("https", "api.example", 443, "/next"));
            return value;
        });
        assertFalse(first.isDone(), "the fetch is still held: the caller was not blocked");
        release.countDown();

        assertEquals("Bearer slow", continued.get(5, TimeUnit.SECONDS));
        assertFalse(continuedOn.get() instanceof AgentThread, continuedOn.get().getName());
        assertSame(rule, matchedWhereItContinues.get(), "a request the client sends from there is still matched");
        assertTrue(rule.headerValueAsync("https", "api.example", 443).isDone(), "cached: at hand on return");
    }

    @Test
    void anEmptyPrefixSendsTheBareToken() throws Exception {
        next.set("bare");
        HeaderRule rule = headers("match=https://api.example,resource=https://r,header=X-Token,prefix=")
                .match("https", "api.example", 443, "/");
        assertEquals("bare", rule.headerValue("https", "api.example", 443));
    }

    private static Map<Rule, TokenCache> cachePerRule(AgentConfig config, TokenCache cache) {
        Map<Rule, TokenCache> caches = new IdentityHashMap<>();
        for (Rule rule : config.rules()) {
            caches.put(rule, cache);
        }
        return caches;
    }
}
