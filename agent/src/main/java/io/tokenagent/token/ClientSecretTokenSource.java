package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import io.tokenagent.config.TokenRequest;

/**
 * A service principal's client secret ({@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_ID}, {@code AZURE_CLIENT_SECRET},
 * the Azure SDKs' {@code EnvironmentCredential}): Entra ID's client-credentials exchange with
 * {@code client_secret}. The secret is sent in the form body only, never logged or put in a message.
 */
final class ClientSecretTokenSource implements TokenSource {

    private final EntraTokenEndpoint endpoint;
    private final EntraTokenEndpoint.Credential secret;

    ClientSecretTokenSource(SourceContext context) throws ConfigException {
        this.endpoint = new EntraTokenEndpoint(context, "client secret", null);
        final String value = EntraTokenEndpoint.required(context, "AZURE_CLIENT_SECRET", "client secret");
        this.secret = new EntraTokenEndpoint.Credential() {
            @Override
            public void addTo(Form form) {
                form.add("client_secret", value);
            }
        };
    }

    @Override
    public AccessToken fetch(TokenRequest request) throws TokenException {
        return endpoint.fetch(request, secret);
    }

    @Override
    public long maxFetchMillis() {
        return endpoint.maxFetchMillis();
    }

    @Override
    public String unsupported(TokenRequest request) {
        return endpoint.unsupported(request);
    }

    @Override
    public String describe() {
        return endpoint.describe();
    }
}
