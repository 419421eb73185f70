package io.tokenagent.token;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tokenagent.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientCertificateTokenSourceTest extends EntraTestSupport {

    @TempDir
    static Path dir;
    private static TestCertificates certificate;

    @BeforeAll
    static void generate() throws Exception {
        certificate = TestCertificates.generate(dir, "app", "dns:app.example");
    }

    private ClientCertificateTokenSource source(Path file) throws ConfigException {
        env.put("AZURE_CLIENT_CERTIFICATE_PATH", file.toString());
        return new ClientCertificateTokenSource(context(5000));
    }

    private static Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    /** Checks the assertion as Entra ID would: signature by the certificate's key, header and claims. */
    private Map<String, Object> verified(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        assertEquals(3, parts.length);
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(certificate.certificate().getPublicKey());
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(rsa.verify(Base64.getUrlDecoder().decode(parts[2])), "signed by the certificate's key");
        Map<String, Object> header = json(parts[0]);
        assertEquals("RS256", header.get("alg"));
        assertEquals("JWT", header.get("typ"));
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(certificate.certificate().getEncoded())), header.get("x5t#S256"));
        Map<String, Object> claims = json(parts[1]);
        assertEquals(authority() + TENANT + "/oauth2/v2.0/token", claims.get("aud"));
        assertEquals(CLIENT_ID, claims.get("iss"));
        assertEquals(CLIENT_ID, claims.get("sub"));
        long now = this.now.get() / 1000;
        assertEquals(now, claims.get("nbf"));
        assertEquals(now, claims.get("iat"));
        assertEquals(now + 600, claims.get("exp"));
        return claims;
    }

    private static Map<String, Object> json(String base64url) throws Exception {
        Map<String, Object> fields = new HashMap<>();
        try (JsonParser parser = new JsonFactory().createParser(Base64.getUrlDecoder().decode(base64url))) {
            assertEquals(JsonToken.START_OBJECT, parser.nextToken());
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.getCurrentName();
                parser.nextToken();
                fields.put(name, parser.currentToken() == JsonToken.VALUE_NUMBER_INT ? (Object) parser.getLongValue()
                        : parser.getText());
            }
        }
        return fields;
    }

    @Test
    void aPkcs8PemSignsANewAssertionForEveryExchange() throws Exception {
        entraGives("t1");
        ClientCertificateTokenSource source = source(write("app.pem", certificate.certificatePem()
                + certificate.pkcs8Pem()));
        assertEquals("t1", source.fetch(VAULT).value());
        source.fetch(VAULT);

        List<Map<String, String>> forms = forms();
        assertEquals(List.of("grant_type", "client_id", "scope", "client_assertion_type", "client_assertion"),
                List.copyOf(forms.get(0).keySet()));
        assertEquals(EntraTokenEndpoint.JWT_BEARER, forms.get(0).get("client_assertion_type"));
        assertEquals("https://vault.azure.net/.default", forms.get(0).get("scope"));
        Object first = verified(forms.get(0).get("client_assertion")).get("jti");
        Object second = verified(forms.get(1).get("client_assertion")).get("jti");
        assertNotEquals(first, second, "a unique jti each time");
    }

    @Test
    void aPkcs1PemKeyAfterTheCertificateChain() throws Exception {
        entraGives("t1");
        TestCertificates other = TestCertificates.generate(dir, "issuer", "dns:issuer.example");
        source(write("pkcs1.pem", certificate.pkcs1Pem() + other.certificatePem() + certificate.certificatePem()))
                .fetch(VAULT);
        verified(forms().get(0).get("client_assertion"));
    }

    @Test
    void aPkcs12WithItsPassword() throws Exception {
        entraGives("t1");
        env.put("AZURE_CLIENT_CERTIFICATE_PASSWORD", certificate.password());
        source(certificate.p12()).fetch(VAULT);
        verified(forms().get(0).get("client_assertion"));

        env.put("AZURE_CLIENT_CERTIFICATE_PASSWORD", "wrong-password");
        ConfigException e = assertThrows(ConfigException.class, () -> source(certificate.p12()));
        assertEquals("environment variable AZURE_CLIENT_CERTIFICATE_PATH: \"" + certificate.p12() + "\" cannot be "
                + "read as PKCS#12: not PKCS#12, or AZURE_CLIENT_CERTIFICATE_PASSWORD is not its password",
                e.getMessage());
    }

    @Test
    void unusableFilesAreConfigurationErrorsThatQuoteNothingOfThem() throws Exception {
        String key = certificate.pkcs8Pem();
        assertEquals("environment variable AZURE_CLIENT_CERTIFICATE_PATH: \"" + dir.resolve("key-only.pem")
                + "\" has no CERTIFICATE block for its private key", assertThrows(ConfigException.class,
                        () -> source(write("key-only.pem", key))).getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> source(write("cert-only.pem",
                certificate.certificatePem()))).getMessage().endsWith("has no PRIVATE KEY or RSA PRIVATE KEY block"));
        assertTrue(assertThrows(ConfigException.class, () -> source(write("enc.pem",
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")))
                .getMessage().endsWith("holds an encrypted private key: give the key unencrypted in PEM, or use "
                        + "PKCS#12 with AZURE_CLIENT_CERTIFICATE_PASSWORD"));
        ConfigException broken = assertThrows(ConfigException.class, () -> source(write("broken.pem",
                key.substring(0, 200) + "!!" + key.substring(200))));
        assertFalse(broken.getMessage().contains(key.substring(40, 80)), broken.getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> source(dir.resolve("absent.pem"))).getMessage()
                .endsWith("cannot read \"" + dir.resolve("absent.pem") + "\" (NoSuchFileException)"));
    }

    @Test
    void noAssertionInAnError() throws Exception {
        server.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(401).withBody(entraError(
                "invalid_client", "AADSTS700027: Client assertion contains an invalid signature.", "c-9"))));
        TokenException e = assertThrows(TokenException.class, () -> source(write("app2.pem",
                certificate.certificatePem() + certificate.pkcs8Pem())).fetch(VAULT));
        assertTrue(e.getMessage().contains("HTTP 401 invalid_client: AADSTS700027: Client assertion contains an "
                + "invalid signature. (correlation id c-9)"), e.getMessage());
        String assertion = forms().get(0).get("client_assertion");
        assertFalse(e.getMessage().contains(assertion.substring(assertion.lastIndexOf('.') + 1)));
        assertFalse(e.getMessage().contains(assertion.substring(0, 20)));
    }
}
