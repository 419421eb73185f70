package io.tokenagent.headers;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.tokenagent.config.Identity;
import io.tokenagent.config.Rule;
import io.tokenagent.config.TokenRequest;
import io.tokenagent.matching.UrlPattern;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleMatcherTest {

    private static Rule rule(String name, String match) {
        return new Rule(name, UrlPattern.parse(match), TokenRequest.forResource("r", Identity.SYSTEM_ASSIGNED, null), null,
                "Authorization", "Bearer", false, false);
    }

    @Test
    void firstMatchingRuleWins() {
        Rule narrow = rule("narrow", "https://api.example.com/admin");
        Rule wide = rule("wide", "https://api.example.com");
        RuleMatcher matcher = new RuleMatcher(List.of(narrow, wide));
        assertSame(narrow, match(matcher, URI.create("https://api.example.com/admin/x")));
        assertSame(wide, match(matcher, URI.create("https://api.example.com/other")));
        assertNull(match(matcher, URI.create("https://other.example.com/admin")));
    }

    @Test
    void userInformationDoesNotChangeTheHost() {
        RuleMatcher matcher = new RuleMatcher(List.of(rule("good", "https://good.example")));
        assertNull(match(matcher, URI.create("https://good.example@evil.example/")));
        assertNull(match(matcher, URI.create("https://good.example:443@evil.example/")));
    }

    /** As the hooks ask: the URI's real host, whatever user information precedes it. */
    private static Rule match(RuleMatcher matcher, URI uri) {
        return matcher.match(uri.getScheme(), uri.getHost(), uri.getPort(), uri.getRawPath());
    }
}
