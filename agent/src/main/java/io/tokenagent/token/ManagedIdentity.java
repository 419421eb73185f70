package io.tokenagent.token;

import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;

/** What every managed-identity source does alike: the identity asked for, and the resource it can take. */
final class ManagedIdentity {

    private ManagedIdentity() {
    }

    /**
     * The identity for rules that name none: the user-assigned one {@code AZURE_CLIENT_ID} names, as the Azure
     * SDKs' managed-identity credential does, else the system-assigned one.
     */
    static Identity defaultIdentity(SourceContext context) {
        String clientId = context.env("AZURE_CLIENT_ID");
        return clientId == null ? Identity.SYSTEM_ASSIGNED : Identity.userAssigned(Identity.Kind.CLIENT_ID, clientId);
    }

    static Identity effective(Identity requested, Identity defaultIdentity) {
        return requested.kind() == Identity.Kind.SYSTEM_ASSIGNED ? defaultIdentity : requested;
    }

    /** Why a request cannot go to a managed-identity endpoint (a scope that is not {@code <resource>/.default}). */
    static String unsupportedScope(TokenRequest request) {
        return request.resource() != null ? null : "scope " + request.scope() + " is not <resource>/.default, and "
                + "a managed-identity endpoint takes a resource: give resource, or a .default scope";
    }
}
