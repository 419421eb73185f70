package io.tokenagent.matching;

import io.tokenagent.config.Rule;
import java.util.List;

/** PLACEHOLDER: replaced by the matching work. */
public final class RuleMatcher {
    public RuleMatcher(List<Rule> rules) {
    }

    public Rule match(String scheme, String host, int port, String rawPath) {
        throw new UnsupportedOperationException("not yet written");
    }
}
