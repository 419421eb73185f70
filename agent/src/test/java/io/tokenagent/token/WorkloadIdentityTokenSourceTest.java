package io.tokenagent.token;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.tokenagent.config.ConfigException;
import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadIdentityTokenSourceTest extends EntraTestSupport {

    private static final String SNI = "test-aks-proxy.ests.aks";

    @TempDir
    Path dir;
    private Path tokenFile;

    @BeforeEach
    void tokenFile() throws Exception {
        tokenFile = dir.resolve("azure-identity-token");
        Files.writeString(tokenFile, "federated-jwt-1\n");
        env.put("AZURE_FEDERATED_TOKEN_FILE", tokenFile.toString());
    }

    private WorkloadIdentityTokenSource source() throws ConfigException {
        return new WorkloadIdentityTokenSource(context(5000));
    }

    @Test
    void sendsTheTokenFileAsAssertionReadAnewForEveryExchange() throws Exception {
        entraGives("t1");
        WorkloadIdentityTokenSource source = source();
        assertEquals("t1", source.fetch(VAULT).value());
        Files.writeString(tokenFile, "federated-jwt-2");
        source.fetch(TokenRequest.forResource("https://storage.azure.com", Identity.SYSTEM_ASSIGNED, null));

        List<java.util.Map<String, String>> forms = forms();
        assertEquals(List.of("grant_type", "client_id", "scope", "client_assertion_type", "client_assertion"),
                List.copyOf(forms.get(0).keySet()));
        assertEquals("client_credentials", forms.get(0).get("grant_type"));
        assertEquals(CLIENT_ID, forms.get(0).get("client_id"));
        assertEquals("https://vault.azure.net/.default", forms.get(0).get("scope"));
        assertEquals(EntraTokenEndpoint.JWT_BEARER, forms.get(0).get("client_assertion_type"));
        assertEquals("federated-jwt-1", forms.get(0).get("client_assertion"), "trimmed");
        assertEquals("https://storage.azure.com/.default", forms.get(1).get("scope"));
        assertEquals("federated-jwt-2", forms.get(1).get("client_assertion"), "read again");
    }

    @Test
    void anEmptyTokenFileMidRotationIsTriedAgain() throws Exception {
        entraGives("t1");
        Files.writeString(tokenFile, "");
        // the kubelet finishes writing while the source waits to retry
        Backoff rotating = new Backoff(1000, 16000) {
            @Override
            void sleep(long millis) throws InterruptedException {
                delays.add(millis);
                try {
                    Files.writeString(tokenFile, "federated-jwt-3");
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            }
        };
        assertEquals("t1", new WorkloadIdentityTokenSource(context(30000, rotating)).fetch(VAULT).value());
        assertEquals(1, delays.size());
        assertEquals(List.of("federated-jwt-3"), forms().stream().map(f -> f.get("client_assertion")).toList());

        Files.writeString(tokenFile, "");
        TokenException e = assertThrows(TokenException.class, () -> new WorkloadIdentityTokenSource(context(1))
                .fetch(VAULT));
        assertTrue(e.getMessage().contains("AZURE_FEDERATED_TOKEN_FILE " + tokenFile + " is empty"), e.getMessage());
        assertTrue(e.isRetryable());
    }

    @Test
    void aMissingTokenFileOrVariableIsAConfigurationError() throws Exception {
        env.put("AZURE_FEDERATED_TOKEN_FILE", dir.resolve("absent").toString());
        assertEquals("environment variable AZURE_FEDERATED_TOKEN_FILE: \"" + dir.resolve("absent")
                + "\" is not a readable file", assertThrows(ConfigException.class, this::source).getMessage());
        env.put("AZURE_FEDERATED_TOKEN_FILE", tokenFile.toString());
        env.remove("AZURE_TENANT_ID");
        assertEquals("environment variable AZURE_TENANT_ID: is not set, and the workload identity source needs it",
                assertThrows(ConfigException.class, this::source).getMessage());
    }

    @Test
    void theTokenNeverAppearsInAnError() throws Exception {
        server.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(com.github.tomakehurst.wiremock.client.WireMock
                .aResponse().withStatus(400).withBody(entraError("invalid_client",
                        "AADSTS700211: No matching federated identity record found for presented assertion issuer.",
                        "corr-7"))));
        TokenException e = assertThrows(TokenException.class, () -> source().fetch(VAULT));
        assertTrue(e.getMessage().endsWith("HTTP 400 invalid_client: AADSTS700211: No matching federated identity "
                + "record found for presented assertion issuer. (correlation id corr-7) (resource "
                + "https://vault.azure.net (system-assigned identity))"), e.getMessage());
        assertFalse(e.getMessage().contains("federated-jwt"));
    }

    @Test
    void describesTheApplicationTenantAndTokenUrl() throws Exception {
        assertEquals("workload identity of application " + CLIENT_ID + " in tenant " + TENANT + " at " + authority()
                + TENANT + "/oauth2/v2.0/token", source().describe());
        assertNull(source().unsupported(VAULT));
    }

    /** An https stand-in for AKS's token proxy, its certificate valid for {@link #SNI} only. */
    private WireMockServer tokenProxy(TestCertificates certificate) {
        WireMockServer proxy = new WireMockServer(options().httpDisabled(true).dynamicHttpsPort()
                .bindAddress("127.0.0.1").keystorePath(certificate.p12().toString()).keystoreType("PKCS12")
                .keystorePassword(certificate.password()).keyManagerPassword(certificate.password()));
        proxy.start();
        proxy.stubFor(post(urlPathEqualTo("/base" + TOKEN_PATH)).willReturn(okJson(tokenJson("via-proxy"))));
        return proxy;
    }

    @Test
    void theAksTokenProxyGetsTheExchangeTrustingOnlyItsCaAndCheckingTheSniName() throws Exception {
        TestCertificates certificate = TestCertificates.generate(dir, "proxy", "dns:" + SNI);
        WireMockServer proxy = tokenProxy(certificate);
        try {
            Path ca = dir.resolve("ca.crt");
            Files.writeString(ca, certificate.certificatePem());
            env.put("AZURE_KUBERNETES_TOKEN_PROXY", "https://127.0.0.1:" + proxy.httpsPort() + "/base");
            env.put("AZURE_KUBERNETES_CA_FILE", ca.toString());
            env.put("AZURE_KUBERNETES_SNI_NAME", SNI);
            WorkloadIdentityTokenSource source = source();

            assertEquals("via-proxy", source.fetch(VAULT).value());
            assertEquals(0, server.getAllServeEvents().size(), "nothing went to the authority itself");
            assertEquals("federated-jwt-1", form(proxy.getAllServeEvents().get(0).getRequest()).get("client_assertion"));
            assertTrue(source.describe().endsWith("via the AKS token proxy https://127.0.0.1:" + proxy.httpsPort()
                    + "/base (TLS name " + SNI + ")"), source.describe());

            // the same CA and certificate, but checked against the URL's host: not valid for 127.0.0.1
            env.remove("AZURE_KUBERNETES_SNI_NAME");
            TokenException noSni = assertThrows(TokenException.class, () -> source().fetch(VAULT));
            assertTrue(noSni.getMessage().contains("SSLHandshakeException"), noSni.getMessage());

            // the JVM's own trust does not know this CA
            env.put("AZURE_KUBERNETES_SNI_NAME", SNI);
            env.remove("AZURE_KUBERNETES_CA_FILE");
            TokenException noCa = assertThrows(TokenException.class, () -> source().fetch(VAULT));
            assertTrue(noCa.getMessage().contains("SSLHandshakeException"), noCa.getMessage());

            // CA data instead of a file
            env.put("AZURE_KUBERNETES_CA_DATA", certificate.certificatePem());
            assertEquals("via-proxy", source().fetch(VAULT).value());
            assertEquals(2, proxy.getAllServeEvents().size());
        } finally {
            proxy.stop();
        }
    }

    @Test
    void theCaFileIsReadAgainWhenItChanges() throws Exception {
        TestCertificates certificate = TestCertificates.generate(dir, "proxy", "dns:" + SNI);
        TestCertificates other = TestCertificates.generate(dir, "other", "dns:" + SNI);
        WireMockServer proxy = tokenProxy(certificate);
        try {
            Path ca = dir.resolve("ca.crt");
            Files.writeString(ca, other.certificatePem());
            env.put("AZURE_KUBERNETES_TOKEN_PROXY", "https://127.0.0.1:" + proxy.httpsPort() + "/base/");
            env.put("AZURE_KUBERNETES_CA_FILE", ca.toString());
            env.put("AZURE_KUBERNETES_SNI_NAME", SNI);
            WorkloadIdentityTokenSource source = source();
            assertThrows(TokenException.class, () -> source.fetch(VAULT));
            Files.writeString(ca, certificate.certificatePem());
            assertEquals("via-proxy", source.fetch(VAULT).value());
        } finally {
            proxy.stop();
        }
    }

    @Test
    void tokenProxyVariablesAreCheckedWhenBuilt() throws Exception {
        env.put("AZURE_KUBERNETES_SNI_NAME", SNI);
        assertEquals("environment variable AZURE_KUBERNETES_TOKEN_PROXY: is not set, but AZURE_KUBERNETES_SNI_NAME "
                + "is: set both (AKS identity binding) or neither",
                assertThrows(ConfigException.class, this::source).getMessage());
        env.put("AZURE_KUBERNETES_TOKEN_PROXY", "https://proxy.example");
        env.put("AZURE_KUBERNETES_SNI_NAME", "10.0.0.1");
        assertEquals("environment variable AZURE_KUBERNETES_SNI_NAME: \"10.0.0.1\" is not a host name",
                assertThrows(ConfigException.class, this::source).getMessage());
        env.put("AZURE_KUBERNETES_SNI_NAME", SNI);
        env.put("AZURE_KUBERNETES_TOKEN_PROXY", "http://127.0.0.1:1/");
        assertEquals("environment variable AZURE_KUBERNETES_TOKEN_PROXY: \"http://127.0.0.1:1/\" is not an https URL "
                + "with a host", assertThrows(ConfigException.class, this::source).getMessage());
        env.put("AZURE_KUBERNETES_TOKEN_PROXY", "https://proxy.example/?x=1");
        assertEquals("environment variable AZURE_KUBERNETES_TOKEN_PROXY: must have no user, query or fragment",
                assertThrows(ConfigException.class, this::source).getMessage());
        env.put("AZURE_KUBERNETES_TOKEN_PROXY", "https://proxy.example");
        env.put("AZURE_KUBERNETES_CA_DATA", "not a certificate");
        assertEquals("environment variable AZURE_KUBERNETES_CA_DATA: is not a PEM CA certificate: no PEM certificate "
                + "in it", assertThrows(ConfigException.class, this::source).getMessage());
        env.put("AZURE_KUBERNETES_CA_FILE", "/ca.crt");
        assertEquals("environment variables AZURE_KUBERNETES_CA_FILE and AZURE_KUBERNETES_CA_DATA: are both set: give "
                + "one", assertThrows(ConfigException.class, this::source).getMessage());
        env.remove("AZURE_KUBERNETES_CA_DATA");
        env.put("AZURE_KUBERNETES_CA_FILE", dir.resolve("absent.crt").toString());
        assertTrue(assertThrows(ConfigException.class, this::source).getMessage()
                .startsWith("environment variable AZURE_KUBERNETES_CA_FILE: cannot read"));
    }

    @Test
    void theProxyPathJoinsTheTokenPath() throws Exception {
        env.put("AZURE_KUBERNETES_TOKEN_PROXY", "https://proxy.example:8443");
        java.net.URI token = java.net.URI.create("https://login.microsoftonline.com/" + TENANT + "/oauth2/v2.0/token");
        assertEquals("https://proxy.example:8443/" + TENANT + "/oauth2/v2.0/token",
                KubernetesTokenProxy.fromEnvironment(context(5000)).target(token).toString());
        env.put("AZURE_KUBERNETES_TOKEN_PROXY", "https://proxy.example/a/b/");
        assertEquals("https://proxy.example/a/b/" + TENANT + "/oauth2/v2.0/token",
                KubernetesTokenProxy.fromEnvironment(context(5000)).target(token).toString());
    }
}
