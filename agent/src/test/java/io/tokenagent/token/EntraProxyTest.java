package io.tokenagent.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Which proxy Entra ID is reached through: the JVM's, else the environment's; never for loopback. */
class EntraProxyTest extends EntraTestSupport {

    private static final URI LOGIN = URI.create("https://login.microsoftonline.com/t/oauth2/v2.0/token");

    private String proxyOf(URI target) {
        Proxy proxy = EntraProxy.select(context(5000), target);
        return proxy == Proxy.NO_PROXY ? "direct" : proxy.address().toString();
    }

    @Test
    void theJvmsHttpsProxyComesFirst() {
        env.put("HTTPS_PROXY", "http://env-proxy:3128");
        properties.put("https.proxyHost", "jvm-proxy");
        properties.put("https.proxyPort", "8443");
        assertEquals("jvm-proxy/<unresolved>:8443", proxyOf(LOGIN));
        properties.remove("https.proxyPort");
        assertEquals("jvm-proxy/<unresolved>:443", proxyOf(LOGIN), "the JDK's default https.proxyPort");
        properties.put("http.nonProxyHosts", "*.microsoftonline.com|other");
        assertEquals("direct", proxyOf(LOGIN));
        properties.put("http.nonProxyHosts", "other");
        assertEquals("jvm-proxy/<unresolved>:443", proxyOf(LOGIN));
    }

    @Test
    void elseHttpsProxyAndNoProxyFromTheEnvironment() {
        assertEquals("direct", proxyOf(LOGIN));
        env.put("https_proxy", "env-proxy:3128");
        assertEquals("env-proxy/<unresolved>:3128", proxyOf(LOGIN), "lower case, no scheme");
        env.put("HTTPS_PROXY", "http://upper-proxy:8080/");
        assertEquals("upper-proxy/<unresolved>:8080", proxyOf(LOGIN));
        for (String noProxy : List.of("*", "microsoftonline.com", ".microsoftonline.com", "x, *.microsoftonline.com",
                "login.microsoftonline.com:443")) {
            env.put("NO_PROXY", noProxy);
            assertEquals("direct", proxyOf(LOGIN), noProxy);
        }
        for (String noProxy : List.of("microsoftonline.co", "gin.microsoftonline.com", "login.microsoftonline.com:80")) {
            env.put("NO_PROXY", noProxy);
            assertEquals("upper-proxy/<unresolved>:8080", proxyOf(LOGIN), noProxy);
        }
    }

    @Test
    void loopbackAndPlainHttpStandInsAreNeverProxied() {
        properties.put("https.proxyHost", "jvm-proxy");
        properties.put("http.nonProxyHosts", "nothing");
        env.put("HTTPS_PROXY", "http://env-proxy:3128");
        assertEquals("direct", proxyOf(URI.create("https://127.0.0.1:8443/t/oauth2/v2.0/token")));
        assertEquals("direct", proxyOf(URI.create("https://localhost/t/oauth2/v2.0/token")));
        assertEquals("direct", proxyOf(URI.create("http://127.0.0.1:8080/t/oauth2/v2.0/token")));
    }

    /** The exchange really goes through the proxy: a stand-in proxy receives the CONNECT to Entra ID's host. */
    @Test
    void theExchangeAsksTheProxyToConnectToEntraId() throws Exception {
        List<String> connects = new CopyOnWriteArrayList<>();
        try (ServerSocket proxy = new ServerSocket(0)) {
            Thread accept = new Thread(() -> {
                while (!proxy.isClosed()) {
                    try (Socket s = proxy.accept()) {
                        connects.add(new BufferedReader(new InputStreamReader(s.getInputStream(),
                                StandardCharsets.US_ASCII)).readLine());
                        OutputStream out = s.getOutputStream();
                        out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n".getBytes());
                        out.flush();
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
            accept.setDaemon(true);
            accept.start();
            env.put("AZURE_AUTHORITY_HOST", "https://login.test.invalid/");
            env.put("AZURE_CLIENT_SECRET", "secret");
            env.put("HTTPS_PROXY", "http://127.0.0.1:" + proxy.getLocalPort());
            TokenException e = assertThrows(TokenException.class, () -> new ClientSecretTokenSource(context(1))
                    .fetch(VAULT));
            assertTrue(e.isRetryable(), e.getMessage());
            assertEquals("CONNECT login.test.invalid:443 HTTP/1.1", connects.get(0));

            connects.clear();
            env.put("NO_PROXY", "test.invalid");
            assertThrows(TokenException.class, () -> new ClientSecretTokenSource(context(1)).fetch(VAULT));
            assertEquals(List.of(), connects, "NO_PROXY: straight to the (unresolvable) host");
        }
    }

    @Test
    void proxyAddressesAreUnresolvedUntilUsed() {
        properties.put("https.proxyHost", "jvm-proxy");
        assertTrue(((InetSocketAddress) EntraProxy.select(context(5000), LOGIN).address()).isUnresolved());
    }
}
