package io.tokenagent.token;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.tokenagent.config.Identity;
import io.tokenagent.config.SourceKind;
import io.tokenagent.config.TokenRequest;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceFabricTokenSourceTest extends SourceTestSupport {

    @TempDir
    static Path dir;
    /** Issued to a name that is not the address the source calls: only the thumbprint can make it trusted. */
    static SelfSignedCertificate certificate;

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = SelfSignedCertificate.generate(dir, "sf-cluster");
    }

    @Override
    WireMockConfiguration serverOptions() {
        return options().dynamicPort().dynamicHttpsPort().bindAddress("127.0.0.1")
                .keystorePath(certificate.keystore().toString()).keystorePassword(certificate.password())
                .keyManagerPassword(certificate.password()).keystoreType("PKCS12");
    }

    String httpsEndpoint() {
        return "https://127.0.0.1:" + server.httpsPort() + PATH;
    }

    @BeforeEach
    void platform() {
        env.put("IDENTITY_ENDPOINT", httpsEndpoint());
        env.put("IDENTITY_HEADER", "sf-secret");
        env.put("IDENTITY_SERVER_THUMBPRINT", certificate.sha1Thumbprint());
    }

    @Test
    void callsTheClusterOverTlsTrustingItsCertificateByThumbprint() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson("{\"access_token\":\"t1\",\"expires_on\":"
                + inAnHour() + ",\"resource\":\"" + RESOURCE + "\",\"token_type\":\"Bearer\"}")));
        TokenSource source = source(SourceKind.SERVICEFABRIC);
        AccessToken token = source.fetch(VAULT);

        assertEquals("t1", token.value());
        assertEquals(inAnHour() * 1000, token.expiresAtMillis(), "expires_on as a number");
        assertEquals(PATH + "?api-version=2019-07-01-preview&resource=https%3A%2F%2Fvault.azure.net",
                server.getAllServeEvents().get(0).getRequest().getUrl());
        server.verify(getRequestedFor(urlPathEqualTo(PATH)).withHeader("Secret", equalTo("sf-secret")));
        assertEquals("Service Fabric " + httpsEndpoint(), source.describe());
    }

    @Test
    void theThumbprintIsReadInEitherCase() throws Exception {
        env.put("IDENTITY_SERVER_THUMBPRINT", certificate.sha1Thumbprint().toLowerCase(java.util.Locale.ROOT));
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(expiresOnJson("t1", "" + inAnHour()))));
        assertEquals("t1", source(SourceKind.SERVICEFABRIC).fetch(VAULT).value());
    }

    @Test
    void nothingElseInTheJvmTrustsTheCertificate() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(expiresOnJson("t1", "" + inAnHour()))));
        source(SourceKind.SERVICEFABRIC).fetch(VAULT);
        HttpsURLConnection connection = (HttpsURLConnection) new URL(httpsEndpoint()).openConnection();
        assertThrows(SSLException.class, connection::getResponseCode);
    }

    @Test
    void anotherCertificateIsRefused() throws Exception {
        env.put("IDENTITY_SERVER_THUMBPRINT", "00" + certificate.sha1Thumbprint().substring(2));
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(expiresOnJson("t1", "" + inAnHour()))));
        TokenException e = assertThrows(TokenException.class, () -> source(SourceKind.SERVICEFABRIC).fetch(VAULT));
        assertTrue(e.getMessage().contains("SSLHandshakeException"), e.getMessage());
        assertTrue(e.getMessage().contains("IDENTITY_SERVER_THUMBPRINT"), e.getMessage());
        assertEquals(0, server.getAllServeEvents().size(), "no request reached the server");
        assertFalse(e.isRetryable());
        assertEquals(List.of(), delays, "not retried: the certificate will not change");
    }

    @Test
    void itsErrorReachesTheMessageAndAServerErrorIsRetried() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"code\":\"SecretHeaderNotFound\","
                        + "\"message\":\"Secret is not found in the request headers.\"}}")).willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("s").whenScenarioStateIs("ok")
                .willReturn(okJson(expiresOnJson("after", "" + inAnHour()))));
        assertEquals("after", source(SourceKind.SERVICEFABRIC).fetch(VAULT).value());

        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":{\"code\":\"InvalidParameter\",\"message\":\"The resource is invalid.\"}}")));
        TokenException e = assertThrows(TokenException.class, () -> source(SourceKind.SERVICEFABRIC).fetch(
                TokenRequest.forResource("https://other.example", Identity.SYSTEM_ASSIGNED, null)));
        assertTrue(e.getMessage().contains("HTTP 400 InvalidParameter: The resource is invalid."), e.getMessage());
        assertFalse(e.getMessage().contains("sf-secret"));
    }

    @Test
    void theIdentityIsTheClustersAlone() throws Exception {
        TokenSource source = source(SourceKind.SERVICEFABRIC);
        assertNull(source.unsupported(VAULT));
        assertEquals("client_id=c cannot be asked for: on Service Fabric the application's identity is the one the "
                + "cluster gives it", source.unsupported(withIdentity(Identity.Kind.CLIENT_ID, "c")));
        assertTrue(source.unsupported(withIdentity(Identity.Kind.MSI_RES_ID, "/r")).startsWith("msi_res_id=/r "));
    }

    @Test
    void aThumbprintThatIsNotOneIsAConfigurationError() {
        for (String bad : new String[] {"abc", certificate.sha1Thumbprint() + "00",
            "\uff10" + certificate.sha1Thumbprint().substring(1)}) {
            env.put("IDENTITY_SERVER_THUMBPRINT", bad);
            assertEquals("environment variable IDENTITY_SERVER_THUMBPRINT: is not a SHA-1 thumbprint "
                    + "(40 hexadecimal digits)", configError(SourceKind.SERVICEFABRIC));
        }
    }
}
