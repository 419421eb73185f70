package io.tokenagent.token;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArcTokenSourceTest extends SourceTestSupport {

    private static final String KEY = "arc-key-content-4f9a";

    @TempDir
    Path tokensDir;
    @TempDir
    Path elsewhere;
    Path keyFile;

    @BeforeEach
    void platform() throws Exception {
        env.put("IDENTITY_ENDPOINT", endpoint());
        env.put("IMDS_ENDPOINT", "http://127.0.0.1:" + server.port());
        properties.put("io.tokenagent.test.arc-tokens-dir", tokensDir.toString());
        keyFile = Files.writeString(tokensDir.resolve("challenge.key"), KEY);
    }

    /** The Arc agent's two answers: a challenge naming {@code realm}, then a token for the key it expects. */
    private void arcAgent(String realm, String tokenJson) {
        server.stubFor(get(urlPathEqualTo(PATH)).withHeader("Authorization", absent()).willReturn(aResponse()
                .withStatus(401).withHeader("WWW-Authenticate", "Basic realm=" + realm)));
        server.stubFor(get(urlPathEqualTo(PATH)).withHeader("Authorization", equalTo("Basic " + KEY))
                .willReturn(okJson(tokenJson)));
    }

    private String imdsToken(String token, String extra) {
        return "{\"access_token\":\"" + token + "\",\"expires_in\":\"3599\",\"expires_on\":\"" + inAnHour()
                + "\",\"token_type\":\"Bearer\"" + extra + "}";
    }

    private List<String> authorizations() {
        return server.getAllServeEvents().stream().map(e -> e.getRequest().getHeader("Authorization")).toList();
    }

    @Test
    void answersTheChallengeWithTheKeyFile() throws Exception {
        arcAgent(keyFile.toString(), imdsToken("t1", ""));
        TokenSource source = source(SourceKind.ARC);
        assertEquals("t1", source.fetch(VAULT).value());

        assertEquals(Arrays.asList("Basic " + KEY, null), authorizations(), "newest first");
        for (var event : server.getAllServeEvents()) {
            assertEquals(PATH + "?api-version=2020-06-01&resource=https%3A%2F%2Fvault.azure.net",
                    event.getRequest().getUrl());
            assertEquals("true", event.getRequest().getHeader("Metadata"));
        }
        assertEquals("Azure Arc " + endpoint(), source.describe());
    }

    @Test
    void aKeyOfExactly4096BytesIsRead() throws Exception {
        String key = "k".repeat(4096);
        Files.writeString(keyFile, key);
        server.stubFor(get(urlPathEqualTo(PATH)).withHeader("Authorization", absent()).willReturn(aResponse()
                .withStatus(401).withHeader("WWW-Authenticate", "Basic realm=" + keyFile)));
        server.stubFor(get(urlPathEqualTo(PATH)).withHeader("Authorization", equalTo("Basic " + key))
                .willReturn(okJson(imdsToken("t1", ""))));
        assertEquals("t1", source(SourceKind.ARC).fetch(VAULT).value());
    }

    private void assertRefused(String realm, String why) throws Exception {
        arcAgent(realm, imdsToken("t1", ""));
        TokenException e = assertThrows(TokenException.class, () -> source(SourceKind.ARC).fetch(VAULT));
        assertTrue(e.getMessage().contains("the key file the endpoint names (" + realm + ") is refused: " + why),
                e.getMessage());
        assertFalse(e.isRetryable());
        assertEquals(1, server.getAllServeEvents().size(), "the key went nowhere");
        assertFalse(e.getMessage().contains("arc-key-content"), e.getMessage());
    }

    @Test
    void aKeyFileOutsideTheTokensDirectoryIsRefused() throws Exception {
        Path outside = Files.writeString(elsewhere.resolve("challenge.key"), KEY);
        assertRefused(outside.toString(), "it is not in the Arc agent's tokens directory "
                + tokensDir.toRealPath());
    }

    @Test
    void aPathThatClimbsOutOfTheDirectoryIsRefused() throws Exception {
        Files.writeString(elsewhere.resolve("challenge.key"), KEY);
        assertRefused(tokensDir + "/../" + elsewhere.getFileName() + "/challenge.key",
                "it is not in the Arc agent's tokens directory");
    }

    @Test
    void aLinkInTheDirectoryToAFileElsewhereIsRefused() throws Exception {
        Path target = Files.writeString(elsewhere.resolve("secret.key"), KEY);
        Path link = Files.createSymbolicLink(tokensDir.resolve("link.key"), target);
        assertRefused(link.toString(), "it is not in the Arc agent's tokens directory");
    }

    @Test
    void aFileInASubdirectoryIsRefused() throws Exception {
        Path sub = Files.createDirectory(tokensDir.resolve("sub"));
        assertRefused(Files.writeString(sub.resolve("x.key"), KEY).toString(),
                "it is not in the Arc agent's tokens directory");
    }

    @Test
    void aFileThatIsNotAKeyFileIsRefused() throws Exception {
        assertRefused(Files.writeString(tokensDir.resolve("challenge.txt"), KEY).toString(), "it is not a .key file");
    }

    @Test
    void aKeyFileOver4096BytesIsRefused() throws Exception {
        Files.writeString(keyFile, "k".repeat(4097));
        assertRefused(keyFile.toString(), "it is not a file of at most 4096 bytes");
    }

    @Test
    void aMissingKeyFileIsRefused() throws Exception {
        assertRefused(tokensDir.resolve("absent.key").toString(), "it is not a file of at most 4096 bytes");
    }

    @Test
    void aKeyWithALineBreakIsRefusedWithoutQuotingIt() throws Exception {
        Files.writeString(keyFile, "arc-key-content\nX-Injected: 1");
        arcAgent(keyFile.toString(), imdsToken("t1", ""));
        TokenException e = assertThrows(TokenException.class, () -> source(SourceKind.ARC).fetch(VAULT));
        assertTrue(e.getMessage().contains("has a character not allowed in a header (at 15)"), e.getMessage());
        assertFalse(e.getMessage().contains("arc-key-content"), e.getMessage());
    }

    @Test
    void aUserAssignedIdentityMustBeEchoed() throws Exception {
        arcAgent(keyFile.toString(), imdsToken("t1", ",\"client_id\":\"CID-1\""));
        TokenSource source = source(SourceKind.ARC);
        assertEquals("t1", source.fetch(withIdentity(Identity.Kind.CLIENT_ID, "cid-1")).value(),
                "a GUID compared without case");
        assertTrue(server.getAllServeEvents().get(0).getRequest().getUrl().endsWith("&client_id=cid-1"));

        TokenException e = assertThrows(TokenException.class, () -> source.fetch(withIdentity(
                Identity.Kind.OBJECT_ID, "oid-1")));
        assertEquals("Azure Arc " + endpoint() + ": the token is not shown to be for object_id=oid-1 (the response "
                + "has no matching object_id): this Arc agent may not support user-assigned identities and have "
                + "answered with the system-assigned one (resource " + RESOURCE + " (object_id=oid-1))",
                e.getMessage());
    }

    @Test
    void aChallengeThatIsNotBasicIsAnError() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(401)
                .withHeader("WWW-Authenticate", "Bearer realm=x").withBody("{\"error\":\"unauthorized\"}")));
        TokenException e = assertThrows(TokenException.class, () -> source(SourceKind.ARC).fetch(VAULT));
        assertTrue(e.getMessage().contains("HTTP 401 unauthorized"), e.getMessage());
        assertEquals(1, server.getAllServeEvents().size());
    }

    @Test
    void anErrorAfterTheChallengeIsRetriedWhenTransient() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).withHeader("Authorization", absent()).willReturn(aResponse()
                .withStatus(401).withHeader("WWW-Authenticate", "Basic realm=" + keyFile)));
        server.stubFor(get(urlPathEqualTo(PATH)).withHeader("Authorization", equalTo("Basic " + KEY))
                .inScenario("s").whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503)
                        .withBody("{\"error\":\"busy\",\"error_description\":\"try later\"}"))
                .willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo(PATH)).withHeader("Authorization", equalTo("Basic " + KEY))
                .inScenario("s").whenScenarioStateIs("ok").willReturn(okJson(imdsToken("after", ""))));
        assertEquals("after", source(SourceKind.ARC).fetch(VAULT).value());
        assertEquals(4, server.getAllServeEvents().size(), "a new challenge for each attempt");
    }

    @Test
    void withoutIdentityEndpointTheAgentsOwnEndpointIsUsed() throws Exception {
        env.remove("IDENTITY_ENDPOINT");
        TokenSource source = source(SourceKind.ARC);
        assertEquals("Azure Arc http://localhost:40342/metadata/identity/oauth2/token", source.describe());
        assertNull(source.unsupported(withIdentity(Identity.Kind.MSI_RES_ID, "/r")));
    }
}
