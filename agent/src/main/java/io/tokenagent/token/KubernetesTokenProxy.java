package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * AKS identity binding's token proxy, as azure-identity (Go {@code customtokenproxy}, Java
 * {@code WorkloadIdentityTokenProxyPolicy}) reads it from the environment: {@code AZURE_KUBERNETES_TOKEN_PROXY} is an
 * {@code https} URL without user, query or fragment; the exchange keeps its path (the proxy's own path, then
 * {@code /{tenant}/oauth2/v2.0/token}) and body and goes to the proxy's host. TLS to it trusts only the CA of
 * {@code AZURE_KUBERNETES_CA_FILE} (read again at every exchange: the platform rotates it; an empty file mid-rotation
 * keeps the last CA) or {@code AZURE_KUBERNETES_CA_DATA} (at most one of them; neither: the JVM's default trust),
 * and checks the certificate against {@code AZURE_KUBERNETES_SNI_NAME}, also sent as SNI, when set. The other
 * variables without the proxy's are a configuration error, as in the SDKs.
 */
final class KubernetesTokenProxy implements EntraTokenEndpoint.Route {

    static final String TOKEN_PROXY = "AZURE_KUBERNETES_TOKEN_PROXY";
    static final String CA_FILE = "AZURE_KUBERNETES_CA_FILE";
    static final String CA_DATA = "AZURE_KUBERNETES_CA_DATA";
    static final String SNI_NAME = "AZURE_KUBERNETES_SNI_NAME";

    private final URI proxy;
    private final String sniName;
    private final File caFile;
    private byte[] lastCa;
    private SSLSocketFactory tls;

    private KubernetesTokenProxy(URI proxy, String sniName, File caFile, SSLSocketFactory tls) {
        this.proxy = proxy;
        this.sniName = sniName;
        this.caFile = caFile;
        this.tls = tls;
    }

    /** The proxy the environment names, or null when it names none. */
    static KubernetesTokenProxy fromEnvironment(SourceContext context) throws ConfigException {
        String url = context.env(TOKEN_PROXY);
        String sniName = context.env(SNI_NAME);
        String caFile = context.env(CA_FILE);
        String caData = context.env(CA_DATA);
        if (url == null) {
            if (sniName != null || caFile != null || caData != null) {
                throw new ConfigException("environment variable " + TOKEN_PROXY, "is not set, but "
                        + (sniName != null ? SNI_NAME : caFile != null ? CA_FILE : CA_DATA) + " is: set both "
                        + "(AKS identity binding) or neither");
            }
            return null;
        }
        if (sniName != null && !SniSocketFactory.check(sniName.trim())) {
            throw new ConfigException("environment variable " + SNI_NAME, "\"" + sniName + "\" is not a host name");
        }
        if (caFile != null && caData != null) {
            throw new ConfigException("environment variables " + CA_FILE + " and " + CA_DATA, "are both set: give one");
        }
        KubernetesTokenProxy route = new KubernetesTokenProxy(parse(url), sniName == null ? null : sniName.trim(),
                caFile == null ? null : new File(caFile), null);
        if (caData != null) {
            route.tls = route.withSni(trusting(caData, "environment variable " + CA_DATA));
        } else if (caFile != null) {
            try {
                route.refreshCa();
            } catch (TokenException e) {
                throw new ConfigException("environment variable " + CA_FILE, e.getMessage());
            }
        } else if (sniName != null) {
            route.tls = route.withSni(HttpsURLConnection.getDefaultSSLSocketFactory());
        }
        return route;
    }

    private static URI parse(String value) throws ConfigException {
        String where = "environment variable " + TOKEN_PROXY;
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException(where, "\"" + value + "\" is not a URL: " + e.getReason());
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new ConfigException(where, "\"" + value + "\" is not an https URL with a host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigException(where, "must have no user, query or fragment");
        }
        return uri;
    }

    private static SSLSocketFactory trusting(String pem, String where) throws ConfigException {
        try {
            return Pem.trusting(pem);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where, "is not a PEM CA certificate: " + e.getMessage());
        }
    }

    private SSLSocketFactory withSni(SSLSocketFactory factory) {
        return sniName == null ? factory : new SniSocketFactory(factory, sniName);
    }

    /** The CA file's current content, when it changed: a new socket factory. */
    private synchronized SSLSocketFactory refreshCa() throws TokenException {
        byte[] ca;
        try {
            ca = Files.readAllBytes(caFile.toPath());
        } catch (IOException e) {
            throw AttemptFailure.transientFailure("cannot read " + CA_FILE + " " + caFile + ": "
                    + e.getClass().getSimpleName());
        }
        if (ca.length == 0) {
            if (tls == null) {
                throw AttemptFailure.transientFailure(CA_FILE + " " + caFile + " is empty");
            }
            return tls;
        }
        if (!Arrays.equals(ca, lastCa)) {
            try {
                tls = withSni(Pem.trusting(new String(ca, StandardCharsets.US_ASCII)));
            } catch (IllegalArgumentException e) {
                throw AttemptFailure.transientFailure(CA_FILE + " " + caFile + " is not a PEM CA certificate: "
                        + e.getMessage());
            }
            lastCa = ca;
        }
        return tls;
    }

    @Override
    public URI target(URI tokenUrl) {
        String base = proxy.getRawPath() == null ? "" : proxy.getRawPath();
        String path = tokenUrl.getRawPath();
        String joined = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                + (path.startsWith("/") ? path : "/" + path);
        try {
            return new URI("https", null, proxy.getHost(), proxy.getPort(), null, null, null).resolve(joined);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the proxy URL was checked when the source was built", e);
        }
    }

    @Override
    public SSLSocketFactory tls() throws TokenException {
        return caFile != null ? refreshCa() : tls;
    }

    @Override
    public String describe() {
        return "via the AKS token proxy " + proxy + (sniName == null ? "" : " (TLS name " + sniName + ")");
    }
}
