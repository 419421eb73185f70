package io.tokenagent.token;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.tokenagent.config.Identity;
import io.tokenagent.config.SourceKind;
import io.tokenagent.config.TokenRequest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AppServiceTokenSourceTest extends SourceTestSupport {

    @BeforeEach
    void platform() {
        env.put("IDENTITY_ENDPOINT", endpoint());
        env.put("IDENTITY_HEADER", "header-secret-1");
    }

    @Test
    void sendsTheAppServiceRequestAndReadsExpiresOn() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(expiresOnJson("t1", "" + inAnHour()))));
        TokenSource source = source(SourceKind.APPSERVICE);
        AccessToken token = source.fetch(VAULT);

        assertEquals("t1", token.value());
        assertEquals(inAnHour() * 1000, token.expiresAtMillis());
        assertEquals(PATH + "?api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net",
                server.getAllServeEvents().get(0).getRequest().getUrl());
        server.verify(getRequestedFor(urlPathEqualTo(PATH)).withHeader("X-IDENTITY-HEADER",
                equalTo("header-secret-1")));
        assertEquals("App Service " + endpoint(), source.describe());
    }

    @Test
    void identitySelectorsAreSpelledAsAppServiceSpellsThem() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(expiresOnJson("t", "" + inAnHour()))));
        TokenSource source = source(SourceKind.APPSERVICE);
        source.fetch(withIdentity(Identity.Kind.CLIENT_ID, "cid"));
        source.fetch(withIdentity(Identity.Kind.OBJECT_ID, "oid"));
        source.fetch(withIdentity(Identity.Kind.MSI_RES_ID, "/subscriptions/s/rg/x"));

        String prefix = PATH + "?api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net";
        List<String> queries = server.getAllServeEvents().stream().map(e -> e.getRequest().getUrl()
                .replace(prefix, "")).toList();
        assertEquals(List.of("&mi_res_id=%2Fsubscriptions%2Fs%2Frg%2Fx", "&principal_id=oid", "&client_id=cid"),
                queries);
    }

    @Test
    void azureClientIdNamesTheIdentityOfRulesThatNameNone() throws Exception {
        env.put("AZURE_CLIENT_ID", "from-env");
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(expiresOnJson("t", "" + inAnHour()))));
        source(SourceKind.APPSERVICE).fetch(VAULT);
        server.verify(getRequestedFor(urlPathEqualTo(PATH)).withQueryParam("client_id", equalTo("from-env")));
    }

    @Test
    void theHeaderIsReadAgainForEachCall() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(expiresOnJson("t", "" + inAnHour()))));
        TokenSource source = source(SourceKind.APPSERVICE);
        source.fetch(VAULT);
        env.put("IDENTITY_HEADER", "header-secret-2");
        source.fetch(VAULT);
        assertEquals(List.of("header-secret-2", "header-secret-1"), server.getAllServeEvents().stream()
                .map(e -> e.getRequest().getHeader("X-IDENTITY-HEADER")).toList());
    }

    @Test
    void itsErrorShapeReachesTheMessageWithTheCorrelationIdAndNoSecret() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"statusCode\":\"400\",\"message\":\"No managed identity for header-secret-1\","
                        + "\"correlationId\":\"7f3c-corr\"}")));
        TokenException e = assertThrows(TokenException.class, () -> source(SourceKind.APPSERVICE).fetch(VAULT));
        assertTrue(e.getMessage().startsWith("App Service " + endpoint() + ": HTTP 400 400: No managed identity"),
                e.getMessage());
        assertTrue(e.getMessage().contains("(correlation id 7f3c-corr)"), e.getMessage());
        assertFalse(e.isRetryable());
        assertEquals(1, server.getAllServeEvents().size());
    }

    @Test
    void aServerErrorIsRetriedAfterWhatRetryAfterAsks() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withHeader("Retry-After", "3")
                        .withBody("{\"statusCode\":\"500\",\"message\":\"busy\"}")).willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("s").whenScenarioStateIs("ok")
                .willReturn(okJson(expiresOnJson("after", "" + inAnHour()))));
        assertEquals("after", source(SourceKind.APPSERVICE).fetch(VAULT).value());
        assertEquals(List.of(3000L), delays);
    }

    @Test
    void missingOrUnsafeVariablesAreConfigurationErrors() {
        env.remove("IDENTITY_HEADER");
        assertEquals("environment variable IDENTITY_HEADER: is not set", configError(SourceKind.APPSERVICE));
        env.put("IDENTITY_HEADER", "h");
        env.put("IDENTITY_ENDPOINT", "http://10.0.0.5:8081/msi/token");
        assertTrue(configError(SourceKind.APPSERVICE).startsWith("environment variable IDENTITY_ENDPOINT: "
                + "\"http://10.0.0.5:8081/msi/token\" is plain http to a host that is not this machine"));
    }

    @Test
    void aHeaderWithALineBreakIsRefusedWithoutQuotingIt() throws Exception {
        TokenSource source = source(SourceKind.APPSERVICE);
        env.put("IDENTITY_HEADER", "secret-part\r\nX-Injected: 1");
        TokenException e = assertThrows(TokenException.class, () -> source.fetch(VAULT));
        assertTrue(e.getMessage().contains("environment variable IDENTITY_HEADER has a character not allowed in a "
                + "header (at 11)"), e.getMessage());
        assertFalse(e.getMessage().contains("secret-part"), e.getMessage());
        assertEquals(0, server.getAllServeEvents().size());
    }

    @Test
    void everySelectorIsSupportedButNotAScopeOtherThanDefault() throws Exception {
        TokenSource source = source(SourceKind.APPSERVICE);
        assertNull(source.unsupported(withIdentity(Identity.Kind.MSI_RES_ID, "/x")));
        assertNull(source.unsupported(new TokenRequest(null, RESOURCE + "/.default", Identity.SYSTEM_ASSIGNED,
                null)));
        assertTrue(source.unsupported(new TokenRequest(null, "api://x/read", Identity.SYSTEM_ASSIGNED, null))
                .startsWith("scope api://x/read is not <resource>/.default"));
    }
}
