package io.tokenagent.token;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** PEM blocks ({@code -----BEGIN <label>-----}), the certificates they hold, and TLS that trusts only those. */
final class Pem {

    private Pem() {
    }

    /** The DER content of every block with this label, in order; invalid base64 is an exception. */
    static List<byte[]> blocks(String text, String label) {
        List<byte[]> blocks = new ArrayList<byte[]>();
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        for (int from = text.indexOf(begin); from >= 0; from = text.indexOf(begin, from)) {
            int to = text.indexOf(end, from);
            if (to < 0) {
                throw new IllegalArgumentException("a " + label + " block has no END line");
            }
            blocks.add(Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to)));
            from = to + end.length();
        }
        return blocks;
    }

    static List<X509Certificate> certificates(String text) throws GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certificates = new ArrayList<X509Certificate>();
        for (byte[] der : blocks(text, "CERTIFICATE")) {
            certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
        }
        return certificates;
    }

    /**
     * TLS trusting only the PEM's certificates as roots, for one connection at a time: nothing else in the JVM
     * trusts differently.
     *
     * @throws IllegalArgumentException when the text holds no certificate, or one that cannot be read
     */
    static SSLSocketFactory trusting(String text) {
        try {
            List<X509Certificate> roots = certificates(text);
            if (roots.isEmpty()) {
                throw new IllegalArgumentException("no PEM certificate in it");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < roots.size(); i++) {
                store.setCertificateEntry("ca-" + i, roots.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return tls.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a readable certificate (" + e.getClass().getSimpleName() + ")");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("an empty key store always loads", e);
        }
    }
}
