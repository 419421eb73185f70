package io.tokenagent.matching;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.tokenagent.config.Identity;
import io.tokenagent.config.Rule;
import io.tokenagent.token.TokenRequest;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleMatcherTest {

    private static Rule rule(String name, String match) {
        return new Rule(name, UrlPattern.parse(match), new TokenRequest("r", Identity.SYSTEM_ASSIGNED, null),
                "Authorization", "Bearer", false);
    }

    @Test
    void firstMatchingRuleWins() {
        Rule narrow = rule("narrow", "https://api.example.com/admin");
        Rule wide = rule("wide", "https://api.example.com");
        RuleMatcher matcher = new RuleMatcher(List.of(narrow, wide));
        assertSame(narrow, matcher.match(URI.create("https://api.example.com/admin/x")));
        assertSame(wide, matcher.match(URI.create("https://api.example.com/other")));
        assertNull(matcher.match(URI.create("https://other.example.com/admin")));
    }

    @Test
    void userInformationDoesNotChangeTheHost() {
        RuleMatcher matcher = new RuleMatcher(List.of(rule("good", "https://good.example")));
        assertNull(matcher.match(URI.create("https://good.example@evil.example/")));
        assertNull(matcher.match(URI.create("https://good.example:443@evil.example/")));
    }
}
