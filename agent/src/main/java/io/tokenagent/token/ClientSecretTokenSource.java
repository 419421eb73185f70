package io.tokenagent.token;

import io.tokenagent.config.ConfigException;

/**
 * A service principal's client secret ({@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_ID}, {@code AZURE_CLIENT_SECRET},
 * the Azure SDKs' {@code EnvironmentCredential}): Entra ID's client-credentials exchange with
 * {@code client_secret}. The secret is sent in the form body only, never logged or put in a message.
 */
final class ClientSecretTokenSource extends EntraTokenSource {

    private final EntraTokenEndpoint.Credential secret;

    ClientSecretTokenSource(SourceContext context) throws ConfigException {
        super(new EntraTokenEndpoint(context, "client secret", null));
        final String value = EntraTokenEndpoint.required(context, "AZURE_CLIENT_SECRET", "client secret");
        this.secret = new EntraTokenEndpoint.Credential() {
            @Override
            public void addTo(Form form) {
                form.add("client_secret", value);
            }
        };
    }

    @Override
    EntraTokenEndpoint.Credential credential() {
        return secret;
    }
}
