package io.tokenagent.token;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Collections;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS to a server known by another name than the URL's host (AKS's token proxy, {@code AZURE_KUBERNETES_SNI_NAME}):
 * the handshake sends that name as SNI and the server's certificate must be valid for it, as Go's
 * {@code tls.Config.ServerName} does. It makes no unconnected sockets, on purpose: {@code HttpsURLConnection} then
 * connects a plain socket and layers TLS over it with {@link #createSocket(Socket, String, int, boolean)}, where
 * the name is chosen, instead of setting the URL's host on a socket of its own.
 */
final class SniSocketFactory extends SSLSocketFactory {

    private final SSLSocketFactory delegate;
    private final String serverName;

    /** @param serverName a host name, checked by {@link #check(String)} */
    SniSocketFactory(SSLSocketFactory delegate, String serverName) {
        this.delegate = delegate;
        this.serverName = serverName;
    }

    /** Whether the name can be sent as SNI: a DNS host name, not an IP address. */
    static boolean check(String serverName) {
        try {
            new SNIHostName(serverName);
            return !serverName.isEmpty() && !Character.isDigit(serverName.charAt(serverName.length() - 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        SSLSocket tls = (SSLSocket) delegate.createSocket(socket, serverName, port, autoClose);
        SSLParameters parameters = tls.getSSLParameters();
        // Said explicitly: the JDK derives SNI from the host only for names with a dot.
        parameters.setServerNames(Collections.<SNIServerName>singletonList(new SNIHostName(serverName)));
        // The certificate is checked against the server name; HttpsURLConnection then skips its own URL host check.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        return tls;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return createSocket(new Socket(host, port), host, port, true);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(new Socket(host, port, localHost, localPort), host, port, true);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket(new Socket(host, port), host.getHostAddress(), port, true);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return createSocket(new Socket(address, port, localAddress, localPort), address.getHostAddress(), port, true);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }
}
