package io.tokenagent.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TokenResponseParserTest {

    private static final long NOW = 1_800_000_000_000L;

    private static String error(String body) {
        return assertThrows(TokenException.class, () -> TokenResponseParser.parseToken(body, NOW)).getMessage();
    }

    @Test
    void stringAndNumberFieldsAndTheEarlierExpiryWins() throws Exception {
        AccessToken t = TokenResponseParser.parseToken("{\"access_token\":\"abc\",\"expires_in\":\"3599\","
                + "\"expires_on\":\"" + (NOW / 1000 + 7200) + "\",\"token_type\":\"Bearer\",\"resource\":\"r\"}", NOW);
        assertEquals("abc", t.value());
        assertEquals(NOW + 3_599_000, t.expiresAtMillis());
        t = TokenResponseParser.parseToken("{\"access_token\":\"abc\",\"expires_in\":3599,\"expires_on\":"
                + (NOW / 1000 + 60) + "}", NOW);
        assertEquals(NOW + 60_000, t.expiresAtMillis(), "expires_on earlier: the clocks disagree, trust the earlier");
        assertEquals(-1, t.refreshInMillis());
    }

    @Test
    void expiresInAloneExpiresOnAloneIsoAndRefreshIn() throws Exception {
        assertEquals(NOW + 100_000, TokenResponseParser.parseToken("{\"access_token\":\"a\",\"expires_in\":100}", NOW).expiresAtMillis());
        assertEquals(NOW + 50_000, TokenResponseParser.parseToken("{\"access_token\":\"a\",\"expires_on\":"
                + (NOW / 1000 + 50) + "}", NOW).expiresAtMillis());
        assertEquals(NOW + 50_000, TokenResponseParser.parseToken("{\"access_token\":\"a\",\"expires_on\":\""
                + java.time.Instant.ofEpochMilli(NOW + 50_000) + "\"}", NOW).expiresAtMillis());
        assertEquals(1_800_000, TokenResponseParser.parseToken("{\"access_token\":\"a\",\"expires_in\":7200,"
                + "\"refresh_in\":\"1800\"}", NOW).refreshInMillis());
    }

    @Test
    void wrappedEnvelope() throws Exception {
        assertEquals("tok", TokenResponseParser.parseToken("{\"success\":true,\"data\":{\"access_token\":\"tok\","
                + "\"expires_in\":\"60\"}}", NOW).value());
        assertEquals("VALIDATION_ERROR: resource is required", TokenResponseParser.describeError(
                "{\"success\":false,\"error\":{\"code\":\"VALIDATION_ERROR\",\"message\":\"resource is required\"}}"));
    }

    @Test
    void errorBodiesAreDescribed() {
        assertEquals("invalid_request: Identity not found", TokenResponseParser.describeError(
                "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}"));
        assertEquals("500: oops", TokenResponseParser.describeError("{\"statusCode\":\"500\",\"message\":\"oops\"}"));
        assertEquals("empty body", TokenResponseParser.describeError(""));
        assertEquals("e".repeat(200) + "...", TokenResponseParser.describeError("{\"error\":\"" + "e".repeat(5000)
                + "\"}"), "excerpt capped");
    }

    @Test
    void nothingButTheErrorFieldsOfAnErrorBodyIsQuoted() {
        assertEquals("(a body that is not a JSON object: 26 bytes, " + AccessToken.fingerprint(
                "<html>\nbad gateway\n</html>") + ")", TokenResponseParser.describeError("<html>\nbad gateway\n</html>"));
        assertEquals("(a JSON body without error or error_description: 19 bytes, "
                + AccessToken.fingerprint("{\"detail\":\"secret\"}") + ")",
                TokenResponseParser.describeError("{\"detail\":\"secret\"}"));
        // A JSON-escaped key is still the access_token key: no guard on the raw text can see that, so nothing of a
        // body other than its error fields is ever quoted.
        String escaped = "{\"access\\u005ftoken\":\"SECRET-TOKEN-VALUE\",\"expires_in\":";
        assertFalse(TokenResponseParser.describeError(escaped).contains("SECRET"));
        assertFalse(error(escaped).contains("SECRET"), error(escaped));
    }

    @Test
    void badResponsesAreRefusedWithAReason() {
        assertEquals("response has no access_token", error("{\"expires_in\":60}"));
        assertEquals("response has no expiry: expires_in and expires_on missing", error("{\"access_token\":\"a\"}"));
        assertEquals("the token it returned has already expired",
                error("{\"access_token\":\"a\",\"expires_on\":" + (NOW / 1000 - 1) + "}"));
        assertEquals("token_type is \"pop\", not Bearer",
                error("{\"access_token\":\"a\",\"expires_in\":60,\"token_type\":\"pop\"}"));
        assertEquals("expires_in is \"soon\", not a number of seconds",
                error("{\"access_token\":\"a\",\"expires_in\":\"soon\"}"));
        assertEquals("response is not valid JSON (8 bytes, " + AccessToken.fingerprint("not json") + ")",
                error("not json"));
    }

    @Test
    void onlyPlainDecimalNumbersAreTimes() throws Exception {
        for (String bad : new String[] {"3600d", "0x1p12", "1e3", "-5", "+60", "NaN", "Infinity", "60.", ".5", " "}) {
            assertEquals("expires_in is \"" + bad.trim() + "\", not a number of seconds",
                    error("{\"access_token\":\"a\",\"expires_in\":\"" + bad + "\"}"), bad);
        }
        assertEquals(NOW + 60_000, TokenResponseParser.parseToken("{\"access_token\":\"a\",\"expires_in\":\" 60.9 \"}",
                NOW).expiresAtMillis());
        assertEquals("expires_on is \"0x1p40\", neither epoch seconds, an App Service date nor an "
                + "ISO-8601 time",
                error("{\"access_token\":\"a\",\"expires_on\":\"0x1p40\"}"));
    }

    @Test
    void anExpiryFarInTheFutureIsRefusedNotWrappedIntoThePast() {
        assertEquals("expires_on is \"1e300\", neither epoch seconds, an App Service date nor an "
                + "ISO-8601 time",
                error("{\"access_token\":\"a\",\"expires_on\":1e300}"));
        assertEquals("expires_on is \"99999999999999\", past the year 9999",
                error("{\"access_token\":\"a\",\"expires_on\":99999999999999}"));
    }

    @Test
    void aTokenThatCouldSplitAHeaderIsRefused() {
        assertEquals("access_token has a character not allowed in a header (at 3)",
                error("{\"access_token\":\"abc\\r\\nX-Evil: 1\",\"expires_in\":60}"));
        assertEquals("access_token has a character not allowed in a header (at 1)",
                error("{\"access_token\":\"a b\",\"expires_in\":60}"));
    }

    @Test
    void aMalformedBodyWithATokenIsNeverQuoted() {
        String message = error("{\"access_token\":\"SECRET-TOKEN-VALUE\",\"expires_in\":");
        assertFalse(message.contains("SECRET"), message);
        assertFalse(TokenResponseParser.describeError("{\"access_token\":\"SECRET-TOKEN-VALUE\"").contains("SECRET"));
    }

    @Test
    void aClockAheadOfTheEndpointsDoesNotShortenAFreshToken() throws Exception {
        long hourAgo = NOW / 1000 - 3600;
        assertEquals(NOW + 3_600_000, TokenResponseParser.parseToken("{\"access_token\":\"a\",\"expires_in\":3600,"
                + "\"expires_on\":" + hourAgo + "}", NOW).expiresAtMillis(), "expires_on far behind: expires_in");
        assertEquals(NOW + 600_000, TokenResponseParser.parseToken("{\"access_token\":\"a\",\"expires_in\":3600,"
                + "\"expires_on\":" + (NOW / 1000 + 600) + "}", NOW).expiresAtMillis(),
                "still to come: the earlier, which may be right");
        assertEquals(NOW + 3_600_000, TokenResponseParser.parseToken("{\"access_token\":\"a\",\"expires_in\":3600,"
                + "\"expires_on\":" + (NOW / 1000 + 7200) + "}", NOW).expiresAtMillis(), "later: expires_in");
        assertEquals("the token it returned has already expired",
                error("{\"access_token\":\"a\",\"expires_on\":" + hourAgo + "}"));
    }

    @Test
    void aLifetimeOfMoreThanAWeekIsNotBelieved() {
        assertEquals("the token it returned is said to live 11 days: not a believable lifetime, not cached",
                error("{\"access_token\":\"a\",\"expires_in\":1000000}"));
    }
}
