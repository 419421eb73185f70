package io.tokenagent.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenagent.cache.TokenCache;
import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;
import io.tokenagent.thread.AgentThread;
import io.tokenagent.token.AccessToken;
import io.tokenagent.token.TokenSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UnauthorizedRecoveryTest {

    private static final TokenRequest KEY = TokenRequest.forResource("https://r", Identity.SYSTEM_ASSIGNED, null);
    private static final TokenRequest OTHER = TokenRequest.forResource("https://o", Identity.SYSTEM_ASSIGNED, null);

    /** What the source was asked, in order: {@code fetch} or {@code bypass}; each answer is a new token. */
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final TokenCache cache = TokenCache.create(new TokenSource() {
        @Override
        public AccessToken fetch(TokenRequest request) {
            calls.add("fetch");
            return token();
        }

        @Override
        public AccessToken fetchBypassingCache(TokenRequest request) {
            calls.add("bypass");
            return token();
        }

        private AccessToken token() {
            return new AccessToken("t" + issued.incrementAndGet(), System.currentTimeMillis(),
                    System.currentTimeMillis() + 3_600_000, -1);
        }

        @Override
        public long maxFetchMillis() {
            return 5000;
        }

        @Override
        public String unsupported(TokenRequest request) {
            return null;
        }

        @Override
        public String describe() {
            return "test";
        }
    }, 5000, AgentThread.factory("token"));
    private final UnauthorizedRecovery recovery = new UnauthorizedRecovery(cache, now::get);

    @Test
    void aRefusedTokenIsReplacedByOneFetchedBypassingTheEndpointsCache() throws Exception {
        assertEquals("t1", cache.get(KEY).value());

        assertTrue(recovery.refused("rules[0]", KEY, "t1"), "the next request gets another token");
        assertEquals("t2", cache.get(KEY).value());
        assertEquals(List.of("fetch", "bypass"), calls);
    }

    @Test
    void atMostOneRenewalPerKeyPer30Seconds() throws Exception {
        cache.get(KEY);
        cache.get(OTHER);
        assertTrue(recovery.refused("rules[0]", KEY, "t1"));
        String renewed = cache.get(KEY).value();

        now.addAndGet(UnauthorizedRecovery.INTERVAL_MILLIS - 1);
        assertFalse(recovery.refused("rules[0]", KEY, renewed), "a second 401 within 30 s fetches nothing");
        assertEquals(renewed, cache.get(KEY).value());
        assertTrue(recovery.refused("rules[1]", OTHER, "t2"), "another key has its own interval");
        cache.get(OTHER);

        now.addAndGet(1);
        assertTrue(recovery.refused("rules[0]", KEY, renewed));
        cache.get(KEY);
        assertEquals(List.of("fetch", "fetch", "bypass", "bypass", "bypass"), calls);
    }

    @Test
    void aStaleTokensRefusalNeitherRenewsNorStartsTheInterval() throws Exception {
        cache.get(KEY);
        assertTrue(recovery.refused("rules[0]", KEY, "t0"), "the request was sent an older token: the next is new");
        assertEquals("t1", cache.get(KEY).value(), "the current token stays");

        assertTrue(recovery.refused("rules[0]", KEY, "t1"), "the current one's refusal still renews it at once");
        assertEquals("t2", cache.get(KEY).value());
        assertEquals(List.of("fetch", "bypass"), calls);
    }

    @Test
    void aClockSetBackDoesNotHoldRenewalsOff() throws Exception {
        cache.get(KEY);
        assertTrue(recovery.refused("rules[0]", KEY, "t1"));
        String renewed = cache.get(KEY).value();
        now.addAndGet(-3_600_000);
        assertTrue(recovery.refused("rules[0]", KEY, renewed));
    }

    @Test
    void bearerChallengesAreFoundInAnyCaseAndAmongOthers() {
        assertTrue(UnauthorizedRecovery.hasBearerChallenge(List.of("Bearer")));
        assertTrue(UnauthorizedRecovery.hasBearerChallenge(List.of("bEaReR error=\"invalid_token\"")));
        assertTrue(UnauthorizedRecovery.hasBearerChallenge(List.of("Basic realm=\"a\"", "Bearer realm=\"b\"")));
        assertTrue(UnauthorizedRecovery.hasBearerChallenge(List.of("Basic realm=\"a, Bearer\", Bearer")));
        assertTrue(UnauthorizedRecovery.hasBearerChallenge(List.of("Newauth realm=\"x\", type=1,  Bearer scope=\"s\"")));
        assertTrue(UnauthorizedRecovery.hasBearerChallenge(List.of("  Bearer  , Basic")));
    }

    @Test
    void otherSchemesParametersAndQuotedTextAreNotBearerChallenges() {
        assertFalse(UnauthorizedRecovery.hasBearerChallenge(List.of()));
        assertFalse(UnauthorizedRecovery.hasBearerChallenge(Collections.singletonList(null)));
        assertFalse(UnauthorizedRecovery.hasBearerChallenge(List.of("Basic realm=\"Bearer\"")));
        assertFalse(UnauthorizedRecovery.hasBearerChallenge(List.of("Basic realm=\"a\", Bearer=1")));
        assertFalse(UnauthorizedRecovery.hasBearerChallenge(List.of("Bearerish", "Negotiate", "", "Bearer-x")));
        assertFalse(UnauthorizedRecovery.hasBearerChallenge(List.of("Basic realm=\"a \\\" , Bearer\"")));
        assertFalse(UnauthorizedRecovery.hasBearerChallenge(List.of("Digest realm=x, nonce=Bearer")));
        assertFalse(UnauthorizedRecovery.hasBearerChallenge(List.of("Beaｒer", "B\u0130earer")));
    }
}
