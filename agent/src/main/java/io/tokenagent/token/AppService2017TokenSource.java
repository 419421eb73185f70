package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;
import java.net.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * App Service's first managed-identity protocol (2017-09-01), still what Linux Consumption plans and Azure ML
 * offer: {@code GET {MSI_ENDPOINT}?api-version=…&resource=…} with {@code secret: {MSI_SECRET}}, read again for
 * each call. A user-assigned identity can be named by client id ({@code clientid}) only. Its {@code expires_on}
 * is a date string on some hosts, which {@link TokenResponseParser} reads.
 */
final class AppService2017TokenSource extends ManagedIdentitySource {

    AppService2017TokenSource(SourceContext context) throws ConfigException {
        super("App Service (2017)", endpointFrom(context, "MSI_ENDPOINT"), context);
        required(context, "MSI_SECRET");
    }

    @Override
    String unsupportedIdentity(Identity identity) {
        return identity.kind() == Identity.Kind.OBJECT_ID || identity.kind() == Identity.Kind.MSI_RES_ID
                ? identity + " cannot be asked for: App Service's 2017 protocol names a user-assigned identity by "
                        + "client_id only"
                : null;
    }

    @Override
    EndpointCall.Response exchange(TokenRequest request, Identity identity, List<String> sent)
            throws TokenException {
        Form query = new Form().add("api-version", "2017-09-01").add("resource", request.resource())
                .add("clientid", identity.value());
        Map<String, String> headers = new LinkedHashMap<String, String>();
        headers.put("secret", secret("MSI_SECRET", sent));
        headers.put("Accept", "application/json");
        return call.send(Endpoints.withQuery(endpoint, query), headers, null, Proxy.NO_PROXY);
    }
}
