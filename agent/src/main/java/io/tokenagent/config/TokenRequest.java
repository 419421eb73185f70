package io.tokenagent.config;

/**
 * What to ask a token source for: the token's audience (a rule's {@code resource}, or its {@code scope}), the
 * identity and the authority. Equal requests share one cache entry of a source, so this is the cache key too.
 * Managed-identity endpoints take a resource, Entra ID takes a scope: each source asks for the form its protocol
 * needs, and the two convert as the Azure SDKs do ({@code X} ↔ {@code X/.default}).
 */
public final class TokenRequest {

    private static final String DEFAULT_SCOPE = "/.default";

    private final String resource;
    private final String scope;
    private final Identity identity;
    private final String authority;

    /**
     * @param resource the rule's resource, or null when it gave a scope
     * @param scope the rule's scope, or null when it gave a resource
     * @param authority the {@code authority} parameter, or null to let the endpoint choose
     */
    public TokenRequest(String resource, String scope, Identity identity, String authority) {
        if ((resource == null) == (scope == null)) {
            throw new IllegalArgumentException("a token request has a resource or a scope");
        }
        this.resource = resource;
        this.scope = scope;
        this.identity = identity;
        this.authority = authority;
    }

    /** A request for a resource (the form rules and managed-identity endpoints use). */
    public static TokenRequest forResource(String resource, Identity identity, String authority) {
        return new TokenRequest(resource, null, identity, authority);
    }

    /**
     * The resource, for a managed-identity endpoint: the rule's resource, or its scope without {@code /.default};
     * null when the rule gave a scope that is not a {@code .default} scope, which no managed-identity endpoint can
     * express.
     */
    public String resource() {
        if (resource != null) {
            return resource;
        }
        return scope.endsWith(DEFAULT_SCOPE) && scope.length() > DEFAULT_SCOPE.length()
                ? scope.substring(0, scope.length() - DEFAULT_SCOPE.length()) : null;
    }

    /** The scope, for Entra ID: the rule's scope, or its resource with {@code /.default}. */
    public String scope() {
        return scope != null ? scope : resource + DEFAULT_SCOPE;
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
        return same(resource, other.resource) && same(scope, other.scope) && identity.equals(other.identity)
                && same(authority, other.authority);
    }

    private static boolean same(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    @Override
    public int hashCode() {
        int h = resource != null ? resource.hashCode() : scope.hashCode() * 7;
        return (h * 31 + identity.hashCode()) * 31 + (authority == null ? 0 : authority.hashCode());
    }

    /** For logs: resource (or scope), identity and authority; nothing secret. */
    @Override
    public String toString() {
        return (resource != null ? "resource " + resource : "scope " + scope) + " (" + identity
                + (authority == null ? "" : ", authority " + authority) + ")";
    }
}
