package io.tokenagent.token;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.UUID;

/**
 * The signed JWT a certificate proves the application with (RFC 7523, as Entra ID documents it): header
 * {@code {"alg":"RS256","typ":"JWT","x5t#S256":…}}, claims {@code aud} = the token endpoint, {@code iss} = {@code sub}
 * = the client id, a unique {@code jti}, {@code nbf} = {@code iat} = now and {@code exp} ten minutes later. A new one
 * for every exchange.
 */
final class ClientAssertion {

    static final long LIFETIME_SECONDS = 600;
    private static final JsonFactory JSON = new JsonFactory();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private ClientAssertion() {
    }

    static String sign(ClientCertificate certificate, String clientId, String audience, long nowMillis) {
        long now = nowMillis / 1000;
        try {
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            JsonGenerator json = JSON.createGenerator(header);
            json.writeStartObject();
            json.writeStringField("alg", "RS256");
            json.writeStringField("typ", "JWT");
            json.writeStringField("x5t#S256", certificate.thumbprint);
            json.writeEndObject();
            json.close();
            ByteArrayOutputStream claims = new ByteArrayOutputStream();
            json = JSON.createGenerator(claims);
            json.writeStartObject();
            json.writeStringField("aud", audience);
            json.writeStringField("iss", clientId);
            json.writeStringField("sub", clientId);
            json.writeStringField("jti", UUID.randomUUID().toString());
            json.writeNumberField("nbf", now);
            json.writeNumberField("iat", now);
            json.writeNumberField("exp", now + LIFETIME_SECONDS);
            json.writeEndObject();
            json.close();
            String signed = BASE64URL.encodeToString(header.toByteArray()) + "."
                    + BASE64URL.encodeToString(claims.toByteArray());
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(certificate.key);
            rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + BASE64URL.encodeToString(rsa.sign());
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory does not fail", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withRSA is required of every JVM", e);
        }
    }
}
