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
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The test clock's now is 2027-01-15 08:00:00 UTC (epoch 1800000000). */
class AppService2017TokenSourceTest extends SourceTestSupport {

    @BeforeEach
    void platform() {
        env.put("MSI_ENDPOINT", endpoint());
        env.put("MSI_SECRET", "msi-secret-1");
    }

    @Test
    void sendsThe2017RequestWithTheSecretHeaderAndClientid() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(expiresOnJson("t1", "1800003600"))));
        TokenSource source = source(SourceKind.APPSERVICE2017);
        assertEquals("t1", source.fetch(VAULT).value());
        source.fetch(withIdentity(Identity.Kind.CLIENT_ID, "cid"));

        assertEquals(List.of(PATH + "?api-version=2017-09-01&resource=https%3A%2F%2Fvault.azure.net&clientid=cid",
                PATH + "?api-version=2017-09-01&resource=https%3A%2F%2Fvault.azure.net"),
                server.getAllServeEvents().stream().map(e -> e.getRequest().getUrl()).toList());
        server.verify(2, getRequestedFor(urlPathEqualTo(PATH)).withHeader("secret", equalTo("msi-secret-1")));
        assertEquals("App Service (2017) " + endpoint(), source.describe());
    }

    @ParameterizedTest(name = "expires_on \"{0}\"")
    @CsvSource(delimiter = '|', value = {
        "1800003600 | 1800003600",
        "01/15/2027 09:00:00 +00:00 | 1800003600",
        "01/15/2027 21:05:09 +00:00 | 1800047109",
        "1/15/2027 9:00:00 AM +00:00 | 1800003600",
        "1/15/2027 12:30:00 PM +00:00 | 1800016200",
        "1/16/2027 12:30:00 AM +00:00 | 1800059400",
        "1/15/2027 9:05:09 PM +00:00 | 1800047109",
        "01/15/2027 10:00:00 +01:00 | 1800003600",
        "1/15/2027 4:30:00 AM -04:30 | 1800003600",
    })
    void everyExpiryFormatTheProtocolEmitsIsRead(String expiresOn, long epochSeconds) throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(expiresOnJson("t", expiresOn))));
        Locale locale = Locale.getDefault();
        try {
            // a JVM whose own locale writes dates otherwise reads the same
            Locale.setDefault(Locale.forLanguageTag("ar-EG"));
            assertEquals(epochSeconds * 1000, source(SourceKind.APPSERVICE2017).fetch(VAULT).expiresAtMillis());
        } finally {
            Locale.setDefault(locale);
        }
    }

    @ParameterizedTest(name = "expires_on \"{0}\"")
    @ValueSource(strings = {"1/15/2027 09:00:00 +00:00", "01/15/2027 13:00:00 PM +00:00",
        "1/15/2027 0:30:00 AM +00:00", "02/30/2027 09:00:00 +00:00", "01/15/2027 09:00:00",
        "01/15/2027 9:00:00 am +00:00",
        "01/15/2027 09:00:00 +00:00 extra", "\u0661/15/2027 9:00:00 AM +00:00", "15.01.2027 09:00:00 +00:00"})
    void anythingElseIsRefused(String expiresOn) {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(expiresOnJson("t", expiresOn))));
        TokenException e = assertThrows(TokenException.class, () -> source(SourceKind.APPSERVICE2017).fetch(VAULT));
        assertTrue(e.getMessage().contains("neither epoch seconds, an App Service date nor an ISO-8601 time"),
                e.getMessage());
    }

    @Test
    void onlyAClientIdCanNameAUserAssignedIdentity() throws Exception {
        TokenSource source = source(SourceKind.APPSERVICE2017);
        assertNull(source.unsupported(withIdentity(Identity.Kind.CLIENT_ID, "cid")));
        assertEquals("object_id=oid cannot be asked for: App Service's 2017 protocol names a user-assigned "
                + "identity by client_id only", source.unsupported(withIdentity(Identity.Kind.OBJECT_ID, "oid")));
        assertTrue(source.unsupported(withIdentity(Identity.Kind.MSI_RES_ID, "/x")).startsWith("msi_res_id=/x "));
    }

    @Test
    void azureClientIdIsSentAsClientid() throws Exception {
        env.put("AZURE_CLIENT_ID", "from-env");
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(expiresOnJson("t", "1800003600"))));
        source(SourceKind.APPSERVICE2017).fetch(VAULT);
        server.verify(getRequestedFor(urlPathEqualTo(PATH)).withQueryParam("clientid", equalTo("from-env")));
    }

    @Test
    void theSecretIsReadAgainForEachCallAndNeverQuoted() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(401).withBody(
                "{\"error\":\"unauthorized\",\"error_description\":\"bad secret msi-secret-2\"}")));
        TokenSource source = source(SourceKind.APPSERVICE2017);
        env.put("MSI_SECRET", "msi-secret-2");
        TokenException e = assertThrows(TokenException.class, () -> source.fetch(VAULT));
        assertEquals("msi-secret-2", server.getAllServeEvents().get(0).getRequest().getHeader("secret"));
        assertTrue(e.getMessage().contains("HTTP 401 unauthorized: bad secret (redacted)"), e.getMessage());
        assertFalse(e.getMessage().contains("msi-secret"), e.getMessage());
        assertEquals(1, server.getAllServeEvents().size(), "401 is not retried");
    }

    @Test
    void throttlingIsRetried() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429)).willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("s").whenScenarioStateIs("ok")
                .willReturn(okJson(expiresOnJson("after", "1800003600"))));
        assertEquals("after", source(SourceKind.APPSERVICE2017).fetch(VAULT).value());
        assertEquals(2, server.getAllServeEvents().size());
    }

    @Test
    void missingSecretIsAConfigurationError() {
        env.remove("MSI_SECRET");
        assertEquals("environment variable MSI_SECRET: is not set", configError(SourceKind.APPSERVICE2017));
    }
}
