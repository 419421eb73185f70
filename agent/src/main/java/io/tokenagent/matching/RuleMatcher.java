package io.tokenagent.matching;

import io.tokenagent.config.Rule;
import java.net.URI;
import java.util.List;

/** The configured rules in order: the first whose pattern matches a request's URL wins. */
public final class RuleMatcher {

    private final Rule[] rules;

    public RuleMatcher(List<Rule> rules) {
        this.rules = rules.toArray(new Rule[0]);
    }

    /** The first rule matching the request, or null. See {@link UrlPattern#matches} for the parameters. */
    public Rule match(String scheme, String host, int port, String rawPath) {
        for (Rule rule : rules) {
            if (rule.match().matches(scheme, host, port, rawPath)) {
                return rule;
            }
        }
        return null;
    }

    /** The same for a URI; its host is the real one, whatever user information precedes it. */
    public Rule match(URI uri) {
        return match(uri.getScheme(), uri.getHost(), uri.getPort(), uri.getRawPath());
    }
}
