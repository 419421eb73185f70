package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * AKS workload identity ({@code AZURE_FEDERATED_TOKEN_FILE}, {@code AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID}):
 * Entra ID's client-credentials exchange with the pod's service account token as a jwt-bearer client assertion.
 * The kubelet rotates that token file, so it is read anew for every exchange. With {@code
 * AZURE_KUBERNETES_TOKEN_PROXY} (AKS identity binding) the exchange goes to that proxy ({@link
 * KubernetesTokenProxy}). The file's content is sent in the form body only, never logged or put in a message.
 */
final class WorkloadIdentityTokenSource extends EntraTokenSource {

    /** A service account token is a few kilobytes; anything much bigger is not one. */
    static final int MAX_TOKEN_FILE_BYTES = 64 * 1024;

    private final File tokenFile;
    private final EntraTokenEndpoint.Credential assertion = new EntraTokenEndpoint.Credential() {
        @Override
        public void addTo(Form form) throws TokenException {
            form.add("client_assertion_type", EntraTokenEndpoint.JWT_BEARER).add("client_assertion", readToken());
        }
    };

    WorkloadIdentityTokenSource(SourceContext context) throws ConfigException {
        super(new EntraTokenEndpoint(context, "workload identity", KubernetesTokenProxy.fromEnvironment(context)));
        String path = EntraTokenEndpoint.required(context, "AZURE_FEDERATED_TOKEN_FILE", "workload identity");
        this.tokenFile = new File(path);
        if (!tokenFile.isFile() || !tokenFile.canRead()) {
            throw new ConfigException("environment variable AZURE_FEDERATED_TOKEN_FILE", "\"" + path
                    + "\" is not a readable file");
        }
    }

    /** The token file's content, trimmed; failures are worth another try (the kubelet may be mid-rotation). */
    private String readToken() throws TokenException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            InputStream in = new FileInputStream(tokenFile);
            try {
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) != -1 && out.size() <= MAX_TOKEN_FILE_BYTES; ) {
                    out.write(buffer, 0, n);
                }
            } finally {
                in.close();
            }
        } catch (IOException e) {
            throw AttemptFailure.transientFailure("cannot read AZURE_FEDERATED_TOKEN_FILE " + tokenFile + ": "
                    + e.getClass().getSimpleName());
        }
        if (out.size() > MAX_TOKEN_FILE_BYTES) {
            throw new AttemptFailure("AZURE_FEDERATED_TOKEN_FILE " + tokenFile + " is larger than "
                    + MAX_TOKEN_FILE_BYTES + " bytes: not a service account token", false, false, 0);
        }
        String token = new String(out.toByteArray(), StandardCharsets.UTF_8).trim();
        if (token.isEmpty()) {
            throw AttemptFailure.transientFailure("AZURE_FEDERATED_TOKEN_FILE " + tokenFile + " is empty");
        }
        return token;
    }

    @Override
    EntraTokenEndpoint.Credential credential() {
        return assertion;
    }
}
