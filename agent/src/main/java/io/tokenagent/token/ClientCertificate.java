package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;

/**
 * A service principal's certificate and RSA private key from {@code AZURE_CLIENT_CERTIFICATE_PATH}: PEM holding the
 * key (PKCS#8 {@code BEGIN PRIVATE KEY} or PKCS#1 {@code BEGIN RSA PRIVATE KEY}, not encrypted) and the certificate
 * (the one whose public key is the key's, when there are several), or PKCS#12 ({@code .pfx}/{@code .p12}) with
 * {@code AZURE_CLIENT_CERTIFICATE_PASSWORD} when it has one. Read once, when the source is built. No message quotes
 * the file's content.
 */
final class ClientCertificate {

    static final String PATH = "AZURE_CLIENT_CERTIFICATE_PATH";
    static final String PASSWORD = "AZURE_CLIENT_CERTIFICATE_PASSWORD";

    final RSAPrivateKey key;
    /** {@code x5t#S256}: the base64url SHA-256 of the certificate's DER encoding, how Entra ID finds it. */
    final String thumbprint;

    private ClientCertificate(RSAPrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        this.key = key;
        this.thumbprint = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    static ClientCertificate load(String path, String password) throws ConfigException {
        String where = "environment variable " + PATH;
        byte[] content;
        try {
            content = Files.readAllBytes(Paths.get(path));
        } catch (IOException e) {
            throw new ConfigException(where, "cannot read \"" + path + "\" (" + e.getClass().getSimpleName() + ")");
        }
        String text = new String(content, StandardCharsets.ISO_8859_1);
        try {
            return text.contains("-----BEGIN ") ? pem(text, path, where) : pkcs12(content, password, path, where);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigException(where, "\"" + path + "\" is neither PEM with a private key and certificate nor "
                    + "PKCS#12 (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static ClientCertificate pem(String text, String path, String where)
            throws GeneralSecurityException, ConfigException {
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new ConfigException(where, "\"" + path + "\" holds an encrypted private key: give the key "
                    + "unencrypted in PEM, or use PKCS#12 with " + PASSWORD);
        }
        List<byte[]> pkcs8 = Pem.blocks(text, "PRIVATE KEY");
        List<byte[]> pkcs1 = Pem.blocks(text, "RSA PRIVATE KEY");
        byte[] der = !pkcs8.isEmpty() ? pkcs8.get(0) : !pkcs1.isEmpty() ? pkcs8FromPkcs1(pkcs1.get(0)) : null;
        if (der == null) {
            throw new ConfigException(where, "\"" + path + "\" has no PRIVATE KEY or RSA PRIVATE KEY block");
        }
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new ConfigException(where, "\"" + path + "\" holds a private key that is not RSA (Entra ID's "
                    + "client assertions are RS256)");
        }
        for (X509Certificate certificate : Pem.certificates(text)) {
            if (matches(certificate, (RSAPrivateKey) key)) {
                return new ClientCertificate((RSAPrivateKey) key, certificate);
            }
        }
        throw new ConfigException(where, "\"" + path + "\" has no CERTIFICATE block for its private key");
    }

    private static ClientCertificate pkcs12(byte[] content, String password, String path, String where)
            throws GeneralSecurityException, ConfigException {
        char[] secret = password == null ? new char[0] : password.toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(new ByteArrayInputStream(content), secret);
        } catch (IOException e) {
            throw new ConfigException(where, "\"" + path + "\" cannot be read as PKCS#12: " + (password == null
                    ? "not PKCS#12, or it needs " + PASSWORD : "not PKCS#12, or " + PASSWORD + " is not its password"));
        }
        for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements(); ) {
            String alias = aliases.nextElement();
            if (store.isKeyEntry(alias) && store.getKey(alias, secret) instanceof RSAPrivateKey
                    && store.getCertificate(alias) instanceof X509Certificate) {
                return new ClientCertificate((RSAPrivateKey) store.getKey(alias, secret),
                        (X509Certificate) store.getCertificate(alias));
            }
        }
        throw new ConfigException(where, "\"" + path + "\" has no RSA private key with its certificate");
    }

    private static boolean matches(X509Certificate certificate, RSAPrivateKey key) {
        return certificate.getPublicKey() instanceof RSAPublicKey
                && ((RSAPublicKey) certificate.getPublicKey()).getModulus().equals(key.getModulus());
    }

    /**
     * PKCS#1's RSAPrivateKey wrapped as PKCS#8's PrivateKeyInfo, which is what the JDK reads:
     * {@code SEQUENCE { INTEGER 0, SEQUENCE { OID rsaEncryption, NULL }, OCTET STRING { pkcs1 } }}.
     */
    static byte[] pkcs8FromPkcs1(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] rsaEncryption = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d,
            0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] key = derElement(0x04, pkcs1);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.write(version, 0, version.length);
        content.write(rsaEncryption, 0, rsaEncryption.length);
        content.write(key, 0, key.length);
        return derElement(0x30, content.toByteArray());
    }

    private static byte[] derElement(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i) & 0xff);
            }
        }
        out.write(content, 0, content.length);
        return out.toByteArray();
    }
}
