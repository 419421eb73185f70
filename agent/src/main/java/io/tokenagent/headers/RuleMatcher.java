package io.tokenagent.headers;

import io.tokenagent.config.Rule;
import java.util.List;

/** The configured rules in order: the first whose pattern matches a request's URL wins. */
public final class RuleMatcher {

    private final Rule[] rules;

    public RuleMatcher(List<Rule> rules) {
        this.rules = rules.toArray(new Rule[0]);
    }

    /** The first rule matching the request, or null. See {@link io.tokenagent.matching.UrlPattern#matches} for the parameters. */
    public Rule match(String scheme, String host, int port, String rawPath) {
        for (Rule rule : rules) {
            if (rule.match().matches(scheme, host, port, rawPath)) {
                return rule;
            }
        }
        return null;
    }
}
