package io.tokenagent.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.tokenagent.config.ConfigLoader;
import io.tokenagent.config.SourceKind;
import java.io.File;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code source=auto}: every branch of the SDKs' order, and which wins when several sources' variables are set. */
class SourceChooserTest {

    private static SourceChooser.Choice choose(String... variables) throws Exception {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < variables.length; i += 2) {
            env.put(variables[i], variables[i + 1]);
        }
        return SourceChooser.choose(new SourceContext(ConfigLoader.load("", k -> null, Map.of()), env, k -> null,
                Thread::new));
    }

    @Test
    void eachSourceIsChosenByItsOwnVariables() throws Exception {
        assumeFalse(new File(SourceChooser.ARC_HIMDS).exists(), "an Arc-connected machine: IMDS is never chosen");
        assertEquals(SourceKind.CLIENT_SECRET, choose("AZURE_TENANT_ID", "t", "AZURE_CLIENT_ID", "c",
                "AZURE_CLIENT_SECRET", "s").kind);
        assertEquals(SourceKind.CLIENT_CERTIFICATE, choose("AZURE_TENANT_ID", "t", "AZURE_CLIENT_ID", "c",
                "AZURE_CLIENT_CERTIFICATE_PATH", "/p").kind);
        assertEquals(SourceKind.WORKLOAD, choose("AZURE_TENANT_ID", "t", "AZURE_CLIENT_ID", "c",
                "AZURE_FEDERATED_TOKEN_FILE", "/f").kind);
        assertEquals(SourceKind.SERVICEFABRIC, choose("IDENTITY_ENDPOINT", "https://x", "IDENTITY_HEADER", "h",
                "IDENTITY_SERVER_THUMBPRINT", "ab").kind);
        assertEquals(SourceKind.APPSERVICE, choose("IDENTITY_ENDPOINT", "http://127.0.0.1", "IDENTITY_HEADER", "h")
                .kind);
        assertEquals(SourceKind.APPSERVICE2017, choose("MSI_ENDPOINT", "http://127.0.0.1", "MSI_SECRET", "s").kind);
        assertEquals(SourceKind.CLOUDSHELL, choose("MSI_ENDPOINT", "http://localhost:50342/oauth2/token").kind);
        assertEquals(SourceKind.ARC, choose("IDENTITY_ENDPOINT", "http://localhost:40342", "IMDS_ENDPOINT",
                "http://localhost:40342").kind);
        SourceChooser.Choice none = choose("AZURE_CLIENT_ID", "c");
        assertEquals(SourceKind.IMDS, none.kind, "AZURE_CLIENT_ID alone names an identity, not a source");
        assertEquals("no other source's variables", none.reason);
    }

    @Test
    void theSdksOrderDecidesWhenSeveralAreSet() throws Exception {
        assumeFalse(new File(SourceChooser.ARC_HIMDS).exists(), "an Arc-connected machine: IMDS is never chosen");
        SourceChooser.Choice choice = choose("AZURE_TENANT_ID", "t", "AZURE_CLIENT_ID", "c",
                "AZURE_FEDERATED_TOKEN_FILE", "/f", "IDENTITY_ENDPOINT", "http://127.0.0.1", "IDENTITY_HEADER", "h");
        assertEquals(SourceKind.WORKLOAD, choice.kind, "workload identity over App Service");
        assertEquals("AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID", choice.reason);
        assertEquals(SourceKind.CLIENT_SECRET, choose("AZURE_TENANT_ID", "t", "AZURE_CLIENT_ID", "c",
                "AZURE_CLIENT_SECRET", "s", "AZURE_FEDERATED_TOKEN_FILE", "/f").kind, "a service principal first");
        assertEquals(SourceKind.APPSERVICE, choose("IDENTITY_ENDPOINT", "http://127.0.0.1", "IDENTITY_HEADER", "h",
                "MSI_ENDPOINT", "http://127.0.0.1", "MSI_SECRET", "s").kind, "2019 protocol before 2017");
        assertEquals(SourceKind.IMDS, choose("AZURE_TENANT_ID", "", "AZURE_CLIENT_ID", "c", "AZURE_CLIENT_SECRET",
                "s").kind, "an empty variable counts as unset, as in the SDKs");
    }
}
