package io.tokenagent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.matching.MatchResult;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Entra ID sources (client secret, client certificate, workload identity) and the Azure CLI through a real
 * application, against a WireMock stand-in for Entra ID's login endpoint ({@code AZURE_AUTHORITY_HOST} =
 * {@code http://127.0.0.1:<port>/}) and a stand-in {@code az} first on {@code PATH}. The success cases leave
 * {@code source} at {@code auto}, so they are also the detection cases.
 */
class EntraSourcesIT extends AgentTestSupport {

    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String CLIENT_ID = "11111111-2222-3333-4444-555555555555";
    private static final String ENTRA_PATH = "/" + TENANT + "/oauth2/v2.0/token";
    private static final String SECRET = "Qx8~sEcReT.value_4711";
    private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    @TempDir
    Path dir;

    /**
     * The first JDK only: these cases test where tokens come from, which is the agent's own code on any JDK; the
     * client hooks that differ between JDKs are covered on every JDK by the client ITs.
     */
    static Stream<Jdk> jdk() {
        return Jdk.all().stream().limit(1);
    }

    private static String authority() {
        return "http://127.0.0.1:" + tokens.port() + "/";
    }

    private static String entraToken(String token) {
        return "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"" + token
                + "\"}";
    }

    private static String entraError(String error, String aadsts, String correlation) {
        return "{\"error\":\"" + error + "\",\"error_description\":\"" + aadsts + "\\r\\nTrace ID: 0b1d\\r\\n"
                + "Correlation ID: " + correlation + "\\r\\nTimestamp: 2026-12-05 01:00:00Z\",\"error_codes\":[1],"
                + "\"trace_id\":\"0b1d\",\"correlation_id\":\"" + correlation + "\"}";
    }

    /** An application with the service principal's (or pod's) variables and one rule for {@code /api}. */
    private AgentJvm app(Jdk jdk, String... extra) {
        StringBuilder args = new StringBuilder("match=" + apiUrl("/api") + ",resource=" + RESOURCE
                + ",retry_timeout_ms=3000,log_level=debug");
        for (String e : extra) {
            args.append(',').append(e);
        }
        return AgentJvm.on(jdk).agentArgs(args.toString()).env("AZURE_TENANT_ID", TENANT)
                .env("AZURE_CLIENT_ID", CLIENT_ID).env("AZURE_AUTHORITY_HOST", authority());
    }

    private static Map<String, String> form(Request request) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }

    private static List<Map<String, String>> exchanges() {
        return tokens.findAll(postRequestedFor(urlPathEqualTo(ENTRA_PATH))).stream().map(EntraSourcesIT::form)
                .toList();
    }

    /** The start-up line names the source and the variables that chose it. */
    private static void assertChosen(AgentJvm.Result result, String source, String variables) {
        assertTrue(result.stderrLines().stream().anyMatch(l -> l.startsWith("token-agent: INFO started: 1 rule, "
                + "tokens from " + source + " of application " + CLIENT_ID + " in tenant " + TENANT + " at "
                + authority() + TENANT + "/oauth2/v2.0/token (chosen by " + variables + ")")), result.toString());
    }

    // --- client secret

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdk")
    void autoChoosesTheClientSecretAndEntraIdGetsIt(Jdk jdk) throws Exception {
        tokens.stubFor(post(urlPathEqualTo(ENTRA_PATH)).withFormParam("grant_type", equalTo("client_credentials"))
                .withFormParam("client_id", equalTo(CLIENT_ID)).withFormParam("client_secret", equalTo(SECRET))
                .withFormParam("scope", equalTo(RESOURCE + "/.default")).willReturn(okJson(entraToken("secret-tok"))));
        AgentJvm.Result result = app(jdk).env("AZURE_CLIENT_SECRET", SECRET).run("urlconnection", apiUrl("/api/s"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer secret-tok"), received(api, "/api/s", "Authorization"));
        assertChosen(result, "client secret", "AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET");
        assertNoSecret(result, SECRET);
        assertNoSecret(result, "secret-tok");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdk")
    void anEntraErrorReachesTheApplicationWithItsCodeAndCorrelationIdAndIsNotRetried(Jdk jdk) throws Exception {
        tokens.stubFor(post(urlPathEqualTo(ENTRA_PATH)).willReturn(aResponse().withStatus(401).withBody(entraError(
                "invalid_client", "AADSTS7000215: Invalid client secret provided.", "9f3c-corr"))));
        AgentJvm.Result result = app(jdk, "source=client_secret").env("AZURE_CLIENT_SECRET", SECRET)
                .run("urlconnection", apiUrl("/api/e"));

        String line = assertFailedClosed(result);
        assertTrue(line.contains("HTTP 401 invalid_client: AADSTS7000215: Invalid client secret provided. "
                + "(correlation id 9f3c-corr)"), line);
        assertFalse(line.contains("Trace ID"), line);
        assertEquals(1, exchanges().size(), "a 401 is not retried");
        assertNoSecret(result, SECRET);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdk")
    void throttlingIsRetried(Jdk jdk) throws Exception {
        tokens.stubFor(post(urlPathEqualTo(ENTRA_PATH)).inScenario("r").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withBody(entraError(
                        "temporarily_unavailable", "AADSTS50196: too many requests", "c1"))).willSetStateTo("ok"));
        tokens.stubFor(post(urlPathEqualTo(ENTRA_PATH)).inScenario("r").whenScenarioStateIs("ok")
                .willReturn(okJson(entraToken("after-429"))));
        AgentJvm.Result result = app(jdk, "source=client_secret").env("AZURE_CLIENT_SECRET", SECRET)
                .run("urlconnection", apiUrl("/api/r"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer after-429"), received(api, "/api/r", "Authorization"));
        assertEquals(2, exchanges().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdk")
    void aMissingVariableOrAnotherIdentityOnARuleStopsTheApplicationWithOneLine(Jdk jdk) throws Exception {
        AgentJvm.Result missing = app(jdk, "source=client_secret").run("urlconnection", apiUrl("/api/m"));
        assertNotEquals(0, missing.exitCode());
        assertEquals(List.of("token-agent: configuration error: environment variable AZURE_CLIENT_SECRET: is not "
                + "set, and the client secret source needs it"), missing.stderrLines());

        AgentJvm.Result other = app(jdk, "object_id=22222222-0000-0000-0000-000000000000")
                .env("AZURE_CLIENT_SECRET", SECRET).run("urlconnection", apiUrl("/api/m"));
        assertNotEquals(0, other.exitCode());
        assertEquals(1, other.stderrLines().size(), other.toString());
        assertTrue(other.stderrLines().get(0).startsWith("token-agent: configuration error: inline rule: "
                + "object_id=22222222-0000-0000-0000-000000000000 names a managed identity, but the client secret "
                + "source gets tokens for the application AZURE_CLIENT_ID=" + CLIENT_ID + " only: remove the selector "
                + "(tokens from client secret of application"), other.toString());
        assertNoSecret(other, SECRET);
        assertEquals(0, tokens.getAllServeEvents().size());
    }

    // --- workload identity

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdk")
    void autoChoosesWorkloadIdentityOverAppServiceAndReadsTheRotatedTokenFile(Jdk jdk) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), "pod-jwt-one\n");
        tokens.stubFor(post(urlPathEqualTo(ENTRA_PATH)).withFormParam("client_assertion_type", equalTo(JWT_BEARER))
                .withFormParam("client_assertion", equalTo("pod-jwt-one"))
                .willReturn(okJson(entraToken("wl-one"))));
        tokens.stubFor(post(urlPathEqualTo(ENTRA_PATH)).withFormParam("client_assertion_type", equalTo(JWT_BEARER))
                .withFormParam("client_assertion", equalTo("pod-jwt-two"))
                .willReturn(okJson(entraToken("wl-two"))));
        // the kubelet rotates the file once the first exchange is answered (once: WireMock keeps its listeners)
        AtomicBoolean rotate = new AtomicBoolean(true);
        tokens.addMockServiceRequestListener((request, response) -> {
            if (rotate.getAndSet(false)) {
                try {
                    Files.writeString(tokenFile, "pod-jwt-two");
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        Path config = Files.writeString(dir.resolve("rules.json"), "{\"log_level\": \"debug\", \"rules\": [\n"
                + "  {\"match\": \"" + apiUrl("/one") + "\", \"resource\": \"https://one.example\"},\n"
                + "  {\"match\": \"" + apiUrl("/two") + "\", \"scope\": \"https://two.example/.default\"}]}\n");
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("config=" + config).env("AZURE_TENANT_ID", TENANT)
                .env("AZURE_CLIENT_ID", CLIENT_ID).env("AZURE_AUTHORITY_HOST", authority())
                .env("AZURE_FEDERATED_TOKEN_FILE", tokenFile.toString())
                .env("IDENTITY_ENDPOINT", "http://127.0.0.1:" + tokens.port() + "/msi/token")
                .env("IDENTITY_HEADER", "app-service-header")
                .run("urlconnection", apiUrl("/one/x"), apiUrl("/two/x"));

        assertEquals(List.of("STATUS 200 ok", "STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer wl-one"), received(api, "/one/x", "Authorization"));
        assertEquals(List.of("Bearer wl-two"), received(api, "/two/x", "Authorization"));
        assertEquals(List.of("https://one.example/.default", "https://two.example/.default"),
                exchanges().stream().map(f -> f.get("scope")).toList());
        assertEquals(0, tokens.findAll(anyRequestedFor(urlPathEqualTo("/msi/token"))).size(), "App Service unused");
        assertTrue(result.stderrLines().stream().anyMatch(l -> l.startsWith("token-agent: INFO started: 2 rules, "
                + "tokens from workload identity of application " + CLIENT_ID + " in tenant " + TENANT + " at "
                + authority() + TENANT + "/oauth2/v2.0/token (chosen by AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, "
                + "AZURE_TENANT_ID)")), result.toString());
        assertNoSecret(result, "pod-jwt-one");
        assertNoSecret(result, "pod-jwt-two");
        assertNoSecret(result, "app-service-header");
    }

    /**
     * Every JDK: TLS to the token proxy sets its SNI name through how HttpsURLConnection layers TLS over a plain
     * socket, which is the JDK's own behaviour, not the agent's.
     */
    static Stream<Jdk> jdks() {
        return Jdk.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void identityBindingSendsTheExchangeToTheTokenProxyTrustingOnlyItsCa(Jdk jdk) throws Exception {
        String sni = "test-aks-proxy.ests.aks";
        Path p12 = keytool("proxy", "SAN=dns:" + sni);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, "changeit".toCharArray());
        }
        Path ca = Files.writeString(dir.resolve("ca.crt"), pem("CERTIFICATE",
                store.getCertificate("proxy").getEncoded()));
        WireMockServer proxy = new WireMockServer(options().httpDisabled(true).dynamicHttpsPort()
                .bindAddress("127.0.0.1").keystorePath(p12.toString()).keystoreType("PKCS12")
                .keystorePassword("changeit").keyManagerPassword("changeit"));
        proxy.start();
        try {
            proxy.stubFor(post(urlPathEqualTo("/aks" + ENTRA_PATH))
                    .withFormParam("client_assertion", equalTo("pod-jwt")).willReturn(okJson(entraToken("ib-tok"))));
            Path tokenFile = Files.writeString(dir.resolve("token"), "pod-jwt");
            AgentJvm.Result result = app(jdk, "source=workload")
                    .env("AZURE_FEDERATED_TOKEN_FILE", tokenFile.toString())
                    .env("AZURE_KUBERNETES_TOKEN_PROXY", "https://127.0.0.1:" + proxy.httpsPort() + "/aks")
                    .env("AZURE_KUBERNETES_CA_FILE", ca.toString()).env("AZURE_KUBERNETES_SNI_NAME", sni)
                    .run("urlconnection", apiUrl("/api/ib"));

            assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
            assertEquals(List.of("Bearer ib-tok"), received(api, "/api/ib", "Authorization"));
            assertEquals(0, tokens.getAllServeEvents().size(), "nothing went to the authority itself");
            assertNoSecret(result, "pod-jwt");
        } finally {
            proxy.stop();
        }
    }

    // --- client certificate

    /** A generated RSA key pair and self-signed certificate (the JDK's keytool). */
    private record KeyPair(PrivateKey key, X509Certificate certificate) {
    }

    /** A PKCS#12 key store (password changeit) with an RSA key pair and a self-signed certificate under alias. */
    private Path keytool(String alias, String extension) throws Exception {
        Path p12 = dir.resolve(alias + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-keystore",
                p12.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-dname", "CN=" + alias, "-ext",
                extension).redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool failed");
        return p12;
    }

    private KeyPair generate() throws Exception {
        Path p12 = keytool("app", "KeyUsage=digitalSignature");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, "changeit".toCharArray());
        }
        return new KeyPair((PrivateKey) store.getKey("app", "changeit".toCharArray()),
                (X509Certificate) store.getCertificate("app"));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** What Entra ID checks of a client assertion: signature by the certificate, x5t#S256, aud, iss, sub. */
    private static boolean verifies(String jwt, X509Certificate certificate) {
        try {
            String[] parts = jwt.split("\\.");
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(certificate.getPublicKey());
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
            String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            String x5t = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
            return rsa.verify(Base64.getUrlDecoder().decode(parts[2])) && header.contains("\"alg\":\"RS256\"")
                    && header.contains("\"x5t#S256\":\"" + x5t + "\"")
                    && claims.contains("\"aud\":\"" + authority() + TENANT + "/oauth2/v2.0/token\"")
                    && claims.contains("\"iss\":\"" + CLIENT_ID + "\"") && claims.contains("\"sub\":\"" + CLIENT_ID + "\"");
        } catch (Exception notAnAssertion) {
            return false;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdk")
    void autoChoosesTheClientCertificateWhoseAssertionEntraIdVerifies(Jdk jdk) throws Exception {
        KeyPair pair = generate();
        Path pemFile = Files.writeString(dir.resolve("app.pem"), pem("CERTIFICATE", pair.certificate().getEncoded())
                + pem("PRIVATE KEY", pair.key().getEncoded()));
        tokens.stubFor(post(urlPathEqualTo(ENTRA_PATH)).andMatching(request -> MatchResult.of(
                JWT_BEARER.equals(form(request).get("client_assertion_type"))
                        && verifies(form(request).get("client_assertion"), pair.certificate())))
                .willReturn(okJson(entraToken("cert-tok"))));
        AgentJvm.Result result = app(jdk).env("AZURE_CLIENT_CERTIFICATE_PATH", pemFile.toString())
                .run("urlconnection", apiUrl("/api/c"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer cert-tok"), received(api, "/api/c", "Authorization"));
        assertChosen(result, "client certificate", "AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_CERTIFICATE_PATH");
        String assertion = exchanges().get(0).get("client_assertion");
        assertNoSecret(result, assertion.substring(assertion.lastIndexOf('.') + 1));
        assertNoSecret(result, Base64.getEncoder().encodeToString(pair.key().getEncoded()).substring(100, 140));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdk")
    void anAssertionEntraIdRejectsFailsClosed(Jdk jdk) throws Exception {
        KeyPair pair = generate();
        Path pemFile = Files.writeString(dir.resolve("app.pem"), pem("CERTIFICATE", pair.certificate().getEncoded())
                + pem("PRIVATE KEY", pair.key().getEncoded()));
        tokens.stubFor(post(urlPathEqualTo(ENTRA_PATH)).willReturn(aResponse().withStatus(401).withBody(entraError(
                "invalid_client", "AADSTS700027: The certificate with identifier used to sign the client assertion "
                        + "is not registered on application.", "c-cert"))));
        AgentJvm.Result result = app(jdk, "source=client_certificate")
                .env("AZURE_CLIENT_CERTIFICATE_PATH", pemFile.toString()).run("urlconnection", apiUrl("/api/c"));

        String line = assertFailedClosed(result);
        assertTrue(line.contains("invalid_client: AADSTS700027: The certificate with identifier used to sign the "
                + "client assertion is not registered on application. (correlation id c-cert)"), line);
        String assertion = exchanges().get(0).get("client_assertion");
        assertNoSecret(result, assertion.substring(assertion.lastIndexOf('.') + 1));
    }

    // --- Azure CLI

    private String azOnPath(String script) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path az = Files.writeString(bin.resolve("az"), "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(az, PosixFilePermissions.fromString("rwx------"));
        return bin + ":" + System.getenv("PATH");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdk")
    void theAzureCliGivesTheSignedInAccountsToken(Jdk jdk) throws Exception {
        long expires = System.currentTimeMillis() / 1000 + 3000;
        String path = azOnPath("echo \"$@\" > '" + dir.resolve("args") + "'\n"
                + "echo '{\"accessToken\":\"cli-tok\",\"expiresOn\":\"2026-01-01 00:00:00.000000\",\"expires_on\":"
                + expires + ",\"tokenType\":\"Bearer\"}'\n");
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("source=azurecli,match=" + apiUrl("/api") + ",resource="
                + RESOURCE + ",log_level=debug").env("PATH", path).run("urlconnection", apiUrl("/api/cli"));

        assertEquals(List.of("STATUS 200 ok"), result.responses(), result.toString());
        assertEquals(List.of("Bearer cli-tok"), received(api, "/api/cli", "Authorization"));
        assertEquals("account get-access-token --resource " + RESOURCE + " -o json",
                Files.readString(dir.resolve("args")).trim());
        assertNoSecret(result, "cli-tok-");
        assertEquals(0, tokens.getAllServeEvents().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdk")
    void aFailingAzureCliPutsItsFirstStderrLineInTheApplicationsError(Jdk jdk) throws Exception {
        String path = azOnPath("echo '{\"accessToken\":\"never-shown\"}'\n"
                + "echo \"ERROR: AADSTS70043: The refresh token has expired. Please run 'az login'.\" >&2\n"
                + "echo 'second line' >&2\nexit 1\n");
        AgentJvm.Result result = AgentJvm.on(jdk).agentArgs("source=azurecli,match=" + apiUrl("/api") + ",resource="
                + RESOURCE + ",log_level=debug").env("PATH", path).run("urlconnection", apiUrl("/api/cli"));

        String line = assertFailedClosed(result);
        assertTrue(line.contains("az exited with 1: ERROR: AADSTS70043: The refresh token has expired. Please run "
                + "'az login'."), line);
        assertFalse(result.stdout().contains("second line") || result.stderr().contains("second line"), line);
        assertNoSecret(result, "never-shown");
    }
}
