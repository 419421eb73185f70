package io.tokenagent.headers;

import io.tokenagent.config.Rule;
import io.tokenagent.matching.UrlPattern;
import io.tokenagent.matching.UrlPatternIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured rules in order: the first whose pattern matches a request's URL wins. Looked up through an index
 * of the patterns, so a request costs about the same with a thousand rules as with one.
 */
public final class RuleMatcher {

    private final Rule[] rules;
    private final UrlPatternIndex index;

    public RuleMatcher(List<Rule> rules) {
        this.rules = rules.toArray(new Rule[0]);
        List<UrlPattern> patterns = new ArrayList<UrlPattern>(rules.size());
        for (Rule rule : rules) {
            patterns.add(rule.match());
        }
        this.index = new UrlPatternIndex(patterns);
    }

    /** The first rule matching the request, or null. See {@link io.tokenagent.matching.UrlPattern#matches} for the parameters. */
    public Rule match(String scheme, String host, int port, String rawPath) {
        int position = index.firstMatch(scheme, host, port, rawPath);
        return position < 0 ? null : rules[position];
    }
}
