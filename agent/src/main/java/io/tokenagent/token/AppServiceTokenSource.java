package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;
import java.net.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * App Service, Functions and Container Apps (2019-08-01): {@code GET {IDENTITY_ENDPOINT}?api-version=…&resource=…}
 * with {@code X-IDENTITY-HEADER: {IDENTITY_HEADER}}, a secret the platform rotates, read again for each call. A
 * user-assigned identity is named by {@code client_id}, {@code principal_id} or {@code mi_res_id}.
 */
final class AppServiceTokenSource extends ManagedIdentitySource {

    AppServiceTokenSource(SourceContext context) throws ConfigException {
        super("App Service", endpointFrom(context, "IDENTITY_ENDPOINT"), context);
        required(context, "IDENTITY_HEADER");
    }

    @Override
    String unsupportedIdentity(Identity identity) {
        return null;
    }

    @Override
    EndpointCall.Response exchange(TokenRequest request, Identity identity, List<String> sent)
            throws TokenException {
        Form query = new Form().add("api-version", "2019-08-01").add("resource", request.resource())
                .add(selector(identity.kind()), identity.value());
        Map<String, String> headers = new LinkedHashMap<String, String>();
        headers.put("X-IDENTITY-HEADER", secret("IDENTITY_HEADER", sent));
        headers.put("Accept", "application/json");
        return call.send(Endpoints.withQuery(endpoint, query), headers, null, Proxy.NO_PROXY);
    }

    /** This protocol's names for IMDS's selectors. */
    private static String selector(Identity.Kind kind) {
        switch (kind) {
            case CLIENT_ID:
                return "client_id";
            case OBJECT_ID:
                return "principal_id";
            case MSI_RES_ID:
                return "mi_res_id";
            default:
                return null;
        }
    }
}
