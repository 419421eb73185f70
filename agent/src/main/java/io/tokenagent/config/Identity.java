package io.tokenagent.config;

/**
 * Which managed identity a rule asks for: the system-assigned one, or a user-assigned one named by exactly one of
 * the IMDS selectors. Immutable; equal identities share a token cache entry.
 */
public final class Identity {

    /** How the identity is named; the parameter names are IMDS's own spelling. */
    public enum Kind {
        SYSTEM_ASSIGNED(null), CLIENT_ID("client_id"), OBJECT_ID("object_id"), MSI_RES_ID("msi_res_id");

        private final String parameter;

        Kind(String parameter) {
            this.parameter = parameter;
        }

        /** The query parameter (and configuration key) that carries the value; null for system-assigned. */
        public String parameter() {
            return parameter;
        }
    }

    public static final Identity SYSTEM_ASSIGNED = new Identity(Kind.SYSTEM_ASSIGNED, null);

    private final Kind kind;
    private final String value;

    private Identity(Kind kind, String value) {
        this.kind = kind;
        this.value = value;
    }

    public static Identity userAssigned(Kind kind, String value) {
        if (kind == Kind.SYSTEM_ASSIGNED || value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a user-assigned identity needs a selector and a value");
        }
        return new Identity(kind, value);
    }

    public Kind kind() {
        return kind;
    }

    /** The selector's value, or null for the system-assigned identity. */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Identity)) {
            return false;
        }
        Identity other = (Identity) o;
        return kind == other.kind && (value == null ? other.value == null : value.equals(other.value));
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + (value == null ? 0 : value.hashCode());
    }

    /** For logs and error messages: {@code system-assigned identity} or {@code client_id=...}. */
    @Override
    public String toString() {
        return kind == Kind.SYSTEM_ASSIGNED ? "system-assigned identity" : kind.parameter() + "=" + value;
    }
}
