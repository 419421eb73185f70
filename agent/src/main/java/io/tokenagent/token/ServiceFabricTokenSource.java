package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;
import java.net.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSession;

/**
 * Service Fabric: {@code GET {IDENTITY_ENDPOINT}?api-version=2019-07-01-preview&resource=…} with
 * {@code Secret: {IDENTITY_HEADER}} (read again for each call), over HTTPS to the cluster's self-signed
 * certificate, trusted by its thumbprint alone ({@link PinnedCertificate}) for these calls only. The identity is
 * the one the cluster gave the application: a user-assigned one cannot be asked for.
 */
final class ServiceFabricTokenSource extends ManagedIdentitySource {

    /** The certificate is pinned: the name it was issued for (often not the node's) says nothing more. */
    private static final HostnameVerifier ANY_HOST = new HostnameVerifier() {
        @Override
        public boolean verify(String host, SSLSession session) {
            return true;
        }
    };

    private final PinnedCertificate pinned;

    ServiceFabricTokenSource(SourceContext context) throws ConfigException {
        super("Service Fabric", endpointFrom(context, "IDENTITY_ENDPOINT"), context);
        required(context, "IDENTITY_HEADER");
        this.pinned = PinnedCertificate.sha1(required(context, "IDENTITY_SERVER_THUMBPRINT"),
                "environment variable IDENTITY_SERVER_THUMBPRINT");
    }

    @Override
    String unsupportedIdentity(Identity identity) {
        return identity.kind() == Identity.Kind.SYSTEM_ASSIGNED ? null : identity + " cannot be asked for: on "
                + "Service Fabric the application's identity is the one the cluster gives it";
    }

    @Override
    EndpointCall.Response exchange(TokenRequest request, Identity identity, List<String> sent)
            throws TokenException {
        Form query = new Form().add("api-version", "2019-07-01-preview").add("resource", request.resource());
        Map<String, String> headers = new LinkedHashMap<String, String>();
        headers.put("Secret", secret("IDENTITY_HEADER", sent));
        headers.put("Accept", "application/json");
        int refusals = pinned.refusals();
        try {
            return call.send(Endpoints.withQuery(endpoint, query), headers, null, Proxy.NO_PROXY,
                    pinned.socketFactory(), ANY_HOST);
        } catch (AttemptFailure e) {
            // A certificate other than the pinned one stays so for the life of the process: not worth a retry.
            if (pinned.refusals() != refusals) {
                throw new TokenException(e.getMessage(), false);
            }
            throw e;
        }
    }
}
