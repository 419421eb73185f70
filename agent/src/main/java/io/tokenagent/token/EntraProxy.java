package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import io.tokenagent.matching.Hosts;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The proxy a call to Entra ID goes through: the one the JVM is configured with ({@code https.proxyHost},
 * {@code https.proxyPort}, {@code http.nonProxyHosts}, as the JDK reads them), else {@code HTTPS_PROXY} and
 * {@code NO_PROXY} from the environment when no JVM property names a proxy. Corporate hosts often reach Entra ID
 * only that way; managed-identity endpoints never use this. Read at every call: an application may set the
 * properties in its {@code main}, after the agent started.
 */
final class EntraProxy {

    /** The JDK's own default for {@code http.nonProxyHosts}. */
    private static final String JDK_NON_PROXY_HOSTS = "localhost|127.*|[::1]|0.0.0.0|[::0]";

    private EntraProxy() {
    }

    /** The proxy for {@code target}, an {@code https} URL (plain http is only ever a loopback stand-in). */
    static Proxy select(SourceContext context, URI target) {
        String host = target.getHost();
        if (!"https".equals(target.getScheme()) || Hosts.isLoopback(host)) {
            return Proxy.NO_PROXY;
        }
        String jvmProxy = context.systemProperty("https.proxyHost");
        if (jvmProxy != null && !jvmProxy.trim().isEmpty()) {
            String nonProxy = context.systemProperty("http.nonProxyHosts");
            if (matchesNonProxyHosts(host, nonProxy == null ? JDK_NON_PROXY_HOSTS : nonProxy)) {
                return Proxy.NO_PROXY;
            }
            return http(jvmProxy.trim(), port(context.systemProperty("https.proxyPort"), 443));
        }
        String envProxy = env(context, "HTTPS_PROXY");
        if (envProxy == null || matchesNoProxy(host, target.getPort(), env(context, "NO_PROXY"))) {
            return Proxy.NO_PROXY;
        }
        URI proxy = URI.create(envProxy.contains("://") ? envProxy.trim() : "http://" + envProxy.trim());
        return http(proxy.getHost(), proxy.getPort() < 0 ? 80 : proxy.getPort());
    }

    /**
     * Checks {@code HTTPS_PROXY} when the source is built, so that a value the agent cannot use is a configuration
     * error rather than a failure at every fetch. The value is never quoted: it may hold a password.
     */
    static void check(SourceContext context) throws ConfigException {
        String value = env(context, "HTTPS_PROXY");
        if (value == null) {
            return;
        }
        String where = "environment variable " + (context.env("HTTPS_PROXY") != null ? "HTTPS_PROXY" : "https_proxy");
        URI proxy;
        try {
            proxy = new URI(value.contains("://") ? value.trim() : "http://" + value.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException(where, "is not a proxy URL (http://host:port)");
        }
        if (!"http".equalsIgnoreCase(proxy.getScheme()) || proxy.getHost() == null) {
            throw new ConfigException(where, "is not an http://host:port proxy URL "
                    + "(the agent reaches Entra ID through an HTTP proxy only)");
        }
        if (proxy.getRawUserInfo() != null) {
            throw new ConfigException(where, "names a user and password, which the agent does "
                    + "not send to a proxy; use a proxy that needs none, or -Dhttps.proxyHost");
        }
    }

    /** The upper-case name first, then the lower-case one, as curl and the Azure SDKs read them. */
    private static String env(SourceContext context, String name) {
        String value = context.env(name);
        return value != null ? value : context.env(name.toLowerCase(Locale.ROOT));
    }

    private static Proxy http(String host, int port) {
        return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, port));
    }

    private static int port(String value, int otherwise) {
        try {
            return value == null ? otherwise : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** The JDK's syntax: {@code |}-separated host names, each may start or end with {@code *}. */
    static boolean matchesNonProxyHosts(String host, String patterns) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String p : patterns.toLowerCase(Locale.ROOT).split("\\|")) {
            String pattern = p.trim();
            if (pattern.isEmpty()) {
                continue;
            }
            if (pattern.equals("*") || pattern.equals(h)
                    || pattern.startsWith("*") && h.endsWith(pattern.substring(1))
                    || pattern.endsWith("*") && h.startsWith(pattern.substring(0, pattern.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    /**
     * curl's {@code NO_PROXY}: comma-separated, {@code *} for every host, a name matching itself and its
     * subdomains (a leading dot or {@code *.} is the same), an optional {@code :port}. IP ranges (CIDR) are not
     * read.
     */
    static boolean matchesNoProxy(String host, int port, String noProxy) {
        if (noProxy == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        int effectivePort = port < 0 ? 443 : port;
        for (String e : noProxy.toLowerCase(Locale.ROOT).split(",")) {
            String entry = e.trim();
            if (entry.equals("*")) {
                return true;
            }
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && entry.indexOf(']') < colon && entry.indexOf(':') == colon) {
                if (!entry.substring(colon + 1).equals(Integer.toString(effectivePort))) {
                    continue;
                }
                entry = entry.substring(0, colon);
            }
            entry = entry.startsWith("*.") ? entry.substring(2) : entry.startsWith(".") ? entry.substring(1) : entry;
            if (!entry.isEmpty() && (h.equals(entry) || h.endsWith("." + entry))) {
                return true;
            }
        }
        return false;
    }
}
