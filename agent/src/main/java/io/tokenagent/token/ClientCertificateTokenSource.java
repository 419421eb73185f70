package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import java.util.function.LongSupplier;

/**
 * A service principal's certificate ({@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_ID},
 * {@code AZURE_CLIENT_CERTIFICATE_PATH} [, {@code AZURE_CLIENT_CERTIFICATE_PASSWORD}], the Azure SDKs'
 * {@code EnvironmentCredential}): Entra ID's client-credentials exchange with a client assertion signed by the
 * certificate's key, a new one for every exchange ({@link ClientAssertion}). Neither key nor assertion is logged or
 * put in a message.
 */
final class ClientCertificateTokenSource extends EntraTokenSource {

    private final EntraTokenEndpoint.Credential assertion;

    ClientCertificateTokenSource(SourceContext context) throws ConfigException {
        super(new EntraTokenEndpoint(context, "client certificate", null));
        final ClientCertificate certificate = ClientCertificate.load(EntraTokenEndpoint.required(context,
                ClientCertificate.PATH, "client certificate"), context.env(ClientCertificate.PASSWORD));
        final LongSupplier clock = context.clock();
        final String audience = endpoint.tokenUrl.toString();
        this.assertion = new EntraTokenEndpoint.Credential() {
            @Override
            public void addTo(Form form) {
                form.add("client_assertion_type", EntraTokenEndpoint.JWT_BEARER).add("client_assertion",
                        ClientAssertion.sign(certificate, endpoint.clientId, audience, clock.getAsLong()));
            }
        };
    }

    @Override
    EntraTokenEndpoint.Credential credential() {
        return assertion;
    }
}
