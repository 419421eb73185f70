package io.tokenagent.token;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.tokenagent.config.ConfigException;
import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClientSecretTokenSourceTest extends EntraTestSupport {

    private static final String SECRET = "s3cr3t~value+with/odd=chars";

    @BeforeEach
    void secret() {
        env.put("AZURE_CLIENT_SECRET", SECRET);
    }

    private ClientSecretTokenSource source() throws ConfigException {
        return new ClientSecretTokenSource(context(5000));
    }

    @Test
    void sendsTheClientCredentialsForm() throws Exception {
        entraGives("t1");
        AccessToken token = source().fetch(VAULT);

        assertEquals("t1", token.value());
        assertEquals(now.get() + 3_599_000, token.expiresAtMillis());
        server.verify(postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded")));
        assertEquals(List.of(Map.of("grant_type", "client_credentials", "client_id", CLIENT_ID,
                "scope", "https://vault.azure.net/.default", "client_secret", SECRET)), forms());
    }

    @Test
    void aScopeRuleSendsItsScope() throws Exception {
        entraGives("t1");
        source().fetch(new TokenRequest(null, "api://app/read", Identity.SYSTEM_ASSIGNED, null));
        assertEquals("api://app/read", forms().get(0).get("scope"));
    }

    @Test
    void anEntraErrorGivesItsCodeFirstLineAndCorrelationIdButNoSecretAndIsNotRetried() throws Exception {
        server.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(401).withBody(
                entraError("invalid_client", "AADSTS7000215: Invalid client secret provided.", "corr-42"))));
        TokenException e = assertThrows(TokenException.class, () -> source().fetch(VAULT));

        assertTrue(e.getMessage().contains("HTTP 401 invalid_client: AADSTS7000215: Invalid client secret provided. "
                + "(correlation id corr-42)"), e.getMessage());
        assertFalse(e.getMessage().contains("Trace ID"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertFalse(e.isRetryable());
        assertEquals(1, server.getAllServeEvents().size());
    }

    @Test
    void throttlingIsRetriedAfterRetryAfter() throws Exception {
        server.stubFor(post(urlPathEqualTo(TOKEN_PATH)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")
                        .withBody(entraError("temporarily_unavailable", "AADSTS50196: loop", "c")))
                .willSetStateTo("5xx"));
        server.stubFor(post(urlPathEqualTo(TOKEN_PATH)).inScenario("s").whenScenarioStateIs("5xx")
                .willReturn(aResponse().withStatus(503).withBody("<html>busy</html>")).willSetStateTo("ok"));
        server.stubFor(post(urlPathEqualTo(TOKEN_PATH)).inScenario("s").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody(tokenJson("t2"))));

        assertEquals("t2", new ClientSecretTokenSource(context(30000)).fetch(VAULT).value());
        assertEquals(3, server.getAllServeEvents().size());
        assertEquals(7000, delays.get(0));
    }

    @Test
    void aConnectionFailureIsRetried() throws Exception {
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            env.put("AZURE_AUTHORITY_HOST", "http://127.0.0.1:" + closed.getLocalPort() + "/");
        }
        TokenException e = assertThrows(TokenException.class, () -> source().fetch(VAULT));
        assertTrue(e.getMessage().contains("gave up after ") && e.getMessage().contains("cannot connect"),
                e.getMessage());
        assertTrue(e.isRetryable());
        assertFalse(delays.isEmpty());
    }

    @Test
    void aBadRequestIsNotRetriedAndANonJsonBodyIsNotQuoted() throws Exception {
        server.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400)
                .withBody("<html>" + SECRET + "</html>")));
        TokenException e = assertThrows(TokenException.class, () -> source().fetch(VAULT));
        assertTrue(e.getMessage().contains("HTTP 400 (a body that is not a JSON object: "), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
        assertEquals(1, server.getAllServeEvents().size());
    }

    @Test
    void describesTenantAuthorityAndHowItWasChosenWithoutTheSecret() throws Exception {
        String described = new ClientSecretTokenSource(context(5000).chosenBy("AZURE_CLIENT_SECRET")).describe();
        assertEquals("client secret of application " + CLIENT_ID + " in tenant " + TENANT + " at " + authority()
                + TENANT + "/oauth2/v2.0/token (chosen by AZURE_CLIENT_SECRET)", described);
    }

    @Test
    void missingOrInvalidVariablesAreConfigurationErrorsNamingThem() {
        env.remove("AZURE_CLIENT_SECRET");
        assertEquals("environment variable AZURE_CLIENT_SECRET: is not set, and the client secret source needs it",
                assertThrows(ConfigException.class, this::source).getMessage());
        env.put("AZURE_CLIENT_SECRET", SECRET);
        env.put("AZURE_TENANT_ID", "../other");
        assertTrue(assertThrows(ConfigException.class, this::source).getMessage()
                .startsWith("environment variable AZURE_TENANT_ID: \"../other\" is not a tenant id"));
        env.put("AZURE_TENANT_ID", TENANT);
        env.put("AZURE_AUTHORITY_HOST", "http://login.example.com/");
        assertTrue(assertThrows(ConfigException.class, this::source).getMessage()
                .startsWith("environment variable AZURE_AUTHORITY_HOST: \"http://login.example.com/\" is plain http"));
        env.put("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us");
        env.put("HTTPS_PROXY", "http://user:pw@proxy.example:3128");
        ConfigException e = assertThrows(ConfigException.class, this::source);
        assertTrue(e.getMessage().startsWith("environment variable HTTPS_PROXY: names a user and password"));
        assertFalse(e.getMessage().contains("pw"), e.getMessage());
    }

    @Test
    void theDefaultAuthorityIsEntraIdsPublicCloud() throws Exception {
        env.remove("AZURE_AUTHORITY_HOST");
        assertTrue(source().describe().contains(" at https://login.microsoftonline.com/" + TENANT
                + "/oauth2/v2.0/token"));
    }

    @Test
    void onlyTheApplicationsOwnClientIdAndNoAuthorityAreAcceptedOnARule() throws Exception {
        ClientSecretTokenSource source = source();
        assertNull(source.unsupported(VAULT));
        assertNull(source.unsupported(TokenRequest.forResource("https://vault.azure.net",
                Identity.userAssigned(Identity.Kind.CLIENT_ID, CLIENT_ID), null)));
        assertEquals("client_id=other names a managed identity, but the client secret source gets tokens for the "
                + "application AZURE_CLIENT_ID=" + CLIENT_ID + " only: remove the selector",
                source.unsupported(TokenRequest.forResource("https://vault.azure.net",
                        Identity.userAssigned(Identity.Kind.CLIENT_ID, "other"), null)));
        assertTrue(source.unsupported(TokenRequest.forResource("https://vault.azure.net",
                Identity.userAssigned(Identity.Kind.OBJECT_ID, CLIENT_ID), null)).startsWith("object_id="));
        assertTrue(source.unsupported(TokenRequest.forResource("https://vault.azure.net", Identity.SYSTEM_ASSIGNED,
                "https://login.example/t")).startsWith("authority cannot be given per rule"));
    }
}
