package io.tokenagent.token;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.tokenagent.config.Identity;
import io.tokenagent.config.SourceKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CloudShellTokenSourceTest extends SourceTestSupport {

    @BeforeEach
    void platform() {
        env.put("MSI_ENDPOINT", endpoint());
    }

    private static String cloudShellToken(String token) {
        return "{\"access_token\":\"" + token + "\",\"expires_in\":\"3599\",\"expires_on\":\"1800003599\","
                + "\"token_type\":\"Bearer\"}";
    }

    @Test
    void postsTheResourceAsAForm() throws Exception {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(cloudShellToken("t1"))));
        TokenSource source = source(SourceKind.CLOUDSHELL);
        AccessToken token = source.fetch(VAULT);

        assertEquals("t1", token.value());
        assertEquals(1_800_003_599_000L, token.expiresAtMillis());
        server.verify(postRequestedFor(urlEqualTo(PATH)).withHeader("Metadata", equalTo("true"))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withRequestBody(equalTo("resource=https%3A%2F%2Fvault.azure.net")));
        assertEquals("Cloud Shell " + endpoint(), source.describe());
    }

    @Test
    void itsNestedErrorReachesTheMessage() throws Exception {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":{\"code\":\"AudienceNotSupported\",\"message\":\"Audience x is not a supported MSI "
                        + "token audience\"}}")));
        TokenException e = assertThrows(TokenException.class, () -> source(SourceKind.CLOUDSHELL).fetch(VAULT));
        assertTrue(e.getMessage().contains(": HTTP 400 AudienceNotSupported: Audience x is not a supported MSI "
                + "token audience"), e.getMessage());
        assertEquals(1, server.getAllServeEvents().size());
    }

    @Test
    void aServerErrorIsRetried() throws Exception {
        server.stubFor(post(urlEqualTo(PATH)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
        server.stubFor(post(urlEqualTo(PATH)).inScenario("s").whenScenarioStateIs("ok")
                .willReturn(okJson(cloudShellToken("after"))));
        assertEquals("after", source(SourceKind.CLOUDSHELL).fetch(VAULT).value());
    }

    @Test
    void noUserAssignedIdentityNotEvenFromAzureClientId() throws Exception {
        TokenSource source = source(SourceKind.CLOUDSHELL);
        assertNull(source.unsupported(VAULT));
        assertEquals("client_id=cid cannot be asked for: Cloud Shell gives only the signed-in user's token",
                source.unsupported(withIdentity(Identity.Kind.CLIENT_ID, "cid")));
        assertTrue(source.unsupported(withIdentity(Identity.Kind.OBJECT_ID, "o")).startsWith("object_id=o "));
        env.put("AZURE_CLIENT_ID", "from-env");
        assertEquals("client_id=from-env cannot be asked for: Cloud Shell gives only the signed-in user's token "
                + "(the identity comes from AZURE_CLIENT_ID, as the rule names none)",
                source(SourceKind.CLOUDSHELL).unsupported(VAULT));
    }

    @Test
    void missingEndpointIsAConfigurationError() {
        env.remove("MSI_ENDPOINT");
        assertEquals("environment variable MSI_ENDPOINT: is not set", configError(SourceKind.CLOUDSHELL));
    }
}
