package io.tokenagent.token;

import io.tokenagent.config.Identity;

/**
 * What to ask the token endpoint for. Equal requests share one cache entry, so this is the cache key too.
 */
public final class TokenRequest {

    private final String resource;
    private final Identity identity;
    private final String authority;

    /** @param authority the {@code authority} parameter, or null to let the endpoint choose */
    public TokenRequest(String resource, Identity identity, String authority) {
        this.resource = resource;
        this.identity = identity;
        this.authority = authority;
    }

    public String resource() {
        return resource;
    }

    public Identity identity() {
        return identity;
    }

    public String authority() {
        return authority;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TokenRequest)) {
            return false;
        }
        TokenRequest other = (TokenRequest) o;
        return resource.equals(other.resource) && identity.equals(other.identity)
                && (authority == null ? other.authority == null : authority.equals(other.authority));
    }

    @Override
    public int hashCode() {
        return (resource.hashCode() * 31 + identity.hashCode()) * 31 + (authority == null ? 0 : authority.hashCode());
    }

    /** For logs: resource, identity and authority; nothing secret. */
    @Override
    public String toString() {
        return "resource " + resource + " (" + identity + (authority == null ? "" : ", authority " + authority) + ")";
    }
}
