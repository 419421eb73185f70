package io.tokenagent.token;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.HexFormat;

/** A self-signed certificate made with the JDK's keytool, as a Service Fabric cluster's endpoint has. */
record SelfSignedCertificate(Path keystore, String password, String sha1Thumbprint) {

    static SelfSignedCertificate generate(Path dir, String commonName) throws Exception {
        Path keystore = dir.resolve(commonName + ".p12");
        String password = "changeit";
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + commonName, "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", password, "-keypass", password).redirectErrorStream(true)
                .redirectOutput(new File(dir.toFile(), "keytool.out")).start();
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + Files.readString(dir.resolve("keytool.out")));
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password.toCharArray());
        }
        byte[] der = store.getCertificate("server").getEncoded();
        return new SelfSignedCertificate(keystore, password,
                HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(der)));
    }
}
