package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS that trusts one server certificate, named by the SHA-1 thumbprint of its DER encoding, and nothing else:
 * the socket factory is given to one connection at a time, so no other connection in the JVM trusts differently.
 * The thumbprint is compared in constant time.
 */
final class PinnedCertificate extends X509ExtendedTrustManager {

    private final byte[] thumbprint;
    private final SSLSocketFactory socketFactory;
    private final AtomicInteger refusals = new AtomicInteger();

    private PinnedCertificate(byte[] thumbprint) throws GeneralSecurityException {
        this.thumbprint = thumbprint;
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {this}, null);
        this.socketFactory = tls.getSocketFactory();
    }

    /**
     * @param hex 40 hexadecimal digits, in either case, as Windows and the Service Fabric runtime write them
     * @param where what names the value in an error
     */
    static PinnedCertificate sha1(String hex, String where) throws ConfigException {
        String digits = hex.trim();
        if (digits.length() != 40) {
            throw new ConfigException(where, "is not a SHA-1 thumbprint (40 hexadecimal digits)");
        }
        byte[] bytes = new byte[20];
        for (int i = 0; i < 20; i++) {
            int high = hexDigit(digits.charAt(2 * i));
            int low = hexDigit(digits.charAt(2 * i + 1));
            if (high < 0 || low < 0) {
                throw new ConfigException(where, "is not a SHA-1 thumbprint (40 hexadecimal digits)");
            }
            bytes[i] = (byte) (high << 4 | low);
        }
        try {
            return new PinnedCertificate(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is required of every JVM", e);
        }
    }

    /** ASCII only: {@code Character.digit} would take other scripts' digits too. */
    private static int hexDigit(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F'
                ? c - 'A' + 10 : -1;
    }

    SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    /** How many handshakes met another certificate: one more during a call means no retry can succeed. */
    int refusals() {
        return refusals.get();
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        byte[] actual;
        try {
            actual = MessageDigest.getInstance("SHA-1").digest(chain[0].getEncoded());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new CertificateException("SHA-1 is required of every JVM", e);
        }
        if (!MessageDigest.isEqual(actual, thumbprint)) {
            refusals.incrementAndGet();
            throw new CertificateException("the server's certificate is not the one IDENTITY_SERVER_THUMBPRINT "
                    + "names");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("no client is trusted: this trust is for calling one server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("no client is trusted: this trust is for calling one server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("no client is trusted: this trust is for calling one server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
