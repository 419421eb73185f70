package io.tokenagent.token;

import io.tokenagent.config.SourceKind;
import java.io.File;

/**
 * {@code source=auto}: the source the Azure SDKs' default credential would use in this environment, from its
 * variables and files alone (no network probe at start). First match wins: service principal, workload identity,
 * Service Fabric, App Service (2019), App Service (2017) / Azure ML, Cloud Shell, Arc, then IMDS. The Azure CLI is
 * never chosen: a production host must not pick up someone's login by accident.
 */
final class SourceChooser {

    /** The Arc agent's service binary: an Arc-connected server without the variables still has it. */
    static final String ARC_HIMDS = "/opt/azcmagent/bin/himds";

    private SourceChooser() {
    }

    /** The chosen source and the variables (or file) that chose it. */
    static final class Choice {
        final SourceKind kind;
        final String reason;

        Choice(SourceKind kind, String reason) {
            this.kind = kind;
            this.reason = reason;
        }
    }

    static Choice choose(SourceContext env) {
        if (has(env, "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET")) {
            return new Choice(SourceKind.CLIENT_SECRET, "AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET");
        }
        if (has(env, "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_CERTIFICATE_PATH")) {
            return new Choice(SourceKind.CLIENT_CERTIFICATE,
                    "AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_CERTIFICATE_PATH");
        }
        if (has(env, "AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID", "AZURE_TENANT_ID")) {
            return new Choice(SourceKind.WORKLOAD, "AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID");
        }
        if (has(env, "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IDENTITY_SERVER_THUMBPRINT")) {
            return new Choice(SourceKind.SERVICEFABRIC, "IDENTITY_ENDPOINT, IDENTITY_HEADER, IDENTITY_SERVER_THUMBPRINT");
        }
        if (has(env, "IDENTITY_ENDPOINT", "IDENTITY_HEADER")) {
            return new Choice(SourceKind.APPSERVICE, "IDENTITY_ENDPOINT, IDENTITY_HEADER");
        }
        if (has(env, "MSI_ENDPOINT", "MSI_SECRET")) {
            return new Choice(SourceKind.APPSERVICE2017, "MSI_ENDPOINT, MSI_SECRET");
        }
        if (has(env, "MSI_ENDPOINT")) {
            return new Choice(SourceKind.CLOUDSHELL, "MSI_ENDPOINT without MSI_SECRET");
        }
        if (has(env, "IDENTITY_ENDPOINT", "IMDS_ENDPOINT")) {
            return new Choice(SourceKind.ARC, "IDENTITY_ENDPOINT, IMDS_ENDPOINT");
        }
        if (new File(ARC_HIMDS).isFile()) {
            return new Choice(SourceKind.ARC, ARC_HIMDS);
        }
        return new Choice(SourceKind.IMDS, "no other source's variables");
    }

    private static boolean has(SourceContext env, String... names) {
        for (String name : names) {
            if (env.env(name) == null) {
                return false;
            }
        }
        return true;
    }
}
