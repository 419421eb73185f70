package io.tokenagent.token;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/** A generated RSA key pair and self-signed certificate (the JDK's keytool), as PKCS#12 and PEM. */
record TestCertificates(Path p12, String password, PrivateKey key, X509Certificate certificate) {

    static TestCertificates generate(Path dir, String name, String san) throws Exception {
        Path p12 = dir.resolve(name + ".p12");
        String password = "changeit";
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", password, "-keypass", password,
                "-dname", "CN=" + name, "-ext", "SAN=" + san).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, password.toCharArray());
        }
        return new TestCertificates(p12, password, (PrivateKey) store.getKey(name, password.toCharArray()),
                (X509Certificate) store.getCertificate(name));
    }

    String certificatePem() throws Exception {
        return pem("CERTIFICATE", certificate.getEncoded());
    }

    /** PKCS#8, {@code BEGIN PRIVATE KEY}. */
    String pkcs8Pem() {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /**
     * PKCS#1, {@code BEGIN RSA PRIVATE KEY}: the RSAPrivateKey inside PKCS#8's PrivateKeyInfo, the last element of
     * its SEQUENCE (an OCTET STRING).
     */
    String pkcs1Pem() {
        byte[] der = key.getEncoded();
        int i = 1 + lengthBytes(der, 1); // into the outer SEQUENCE
        i += 1 + lengthBytes(der, i + 1) + length(der, i + 1); // version INTEGER
        i += 1 + lengthBytes(der, i + 1) + length(der, i + 1); // AlgorithmIdentifier SEQUENCE
        int start = i + 1 + lengthBytes(der, i + 1); // OCTET STRING content
        byte[] pkcs1 = java.util.Arrays.copyOfRange(der, start, start + length(der, i + 1));
        return pem("RSA PRIVATE KEY", pkcs1);
    }

    private static int lengthBytes(byte[] der, int at) {
        return (der[at] & 0x80) == 0 ? 1 : 1 + (der[at] & 0x7f);
    }

    private static int length(byte[] der, int at) {
        if ((der[at] & 0x80) == 0) {
            return der[at];
        }
        int n = 0;
        for (int k = 1; k <= (der[at] & 0x7f); k++) {
            n = n << 8 | der[at + k] & 0xff;
        }
        return n;
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
