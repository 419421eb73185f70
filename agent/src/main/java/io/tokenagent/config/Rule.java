package io.tokenagent.config;

import io.tokenagent.matching.UrlPattern;

/** One configured rule: which URLs it matches, which token they get, and how it is put on the request. */
public final class Rule {

    private final String name;
    private final UrlPattern match;
    private final TokenRequest tokenRequest;
    private final SourceKind source;
    private final String header;
    private final String prefix;
    private final boolean overwrite;
    private final boolean retryOn401;

    /**
     * @param name where the rule was written, for messages: {@code rules[2]} or {@code inline rule}
     * @param source the rule's own source, or null for the agent's
     */
    public Rule(String name, UrlPattern match, TokenRequest tokenRequest, SourceKind source, String header,
            String prefix, boolean overwrite, boolean retryOn401) {
        this.name = name;
        this.match = match;
        this.tokenRequest = tokenRequest;
        this.source = source;
        this.header = header;
        this.prefix = prefix;
        this.overwrite = overwrite;
        this.retryOn401 = retryOn401;
    }

    public String name() {
        return name;
    }

    public UrlPattern match() {
        return match;
    }

    public TokenRequest tokenRequest() {
        return tokenRequest;
    }

    /** The rule's own {@code source}, or null to use the agent's. */
    public SourceKind source() {
        return source;
    }

    public String header() {
        return header;
    }

    /** The text before the token in the header's value ({@code Bearer}); the value is {@code prefix + " " + token}. */
    public String prefix() {
        return prefix;
    }

    public boolean overwrite() {
        return overwrite;
    }

    /** Whether a safe request answered 401 with a Bearer challenge is sent once more with a new token. */
    public boolean retryOn401() {
        return retryOn401;
    }

    @Override
    public String toString() {
        return name + " (" + match + " -> " + tokenRequest + ")";
    }
}
