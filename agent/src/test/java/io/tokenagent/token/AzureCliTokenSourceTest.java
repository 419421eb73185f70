package io.tokenagent.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenagent.config.ConfigException;
import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Set;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stand-in {@code az} script first on the source's PATH. */
class AzureCliTokenSourceTest extends EntraTestSupport {

    @TempDir
    Path dir;

    @BeforeEach
    void path() {
        env.clear();
        env.put("PATH", dir + ":/usr/bin:/bin");
        properties.put("os.name", "Linux");
    }

    /** An az that records its arguments and prints {@code stdout}, {@code stderr}, then exits with {@code exit}. */
    private void az(String stdout, String stderr, int exit) throws Exception {
        Path script = dir.resolve("az");
        Files.writeString(script, "#!/bin/sh\necho \"$@\" >> '" + dir.resolve("args") + "'\n"
                + "cat <<'EOF'\n" + stdout + "\nEOF\n"
                + "cat >&2 <<'EOF'\n" + stderr + "\nEOF\n"
                + "exit " + exit + "\n");
        Files.setPosixFilePermissions(script, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
    }

    private String args() throws Exception {
        return Files.readString(dir.resolve("args")).trim();
    }

    private AzureCliTokenSource source() throws ConfigException {
        return new AzureCliTokenSource(context(5000));
    }

    @Test
    void runsAzForTheResourceAndReadsExpiresOn() throws Exception {
        long expires = now.get() / 1000 + 3000;
        az("{\"accessToken\":\"cli-token\",\"expiresOn\":\"2000-01-01 00:00:00.000000\",\"expires_on\":" + expires
                + ",\"subscription\":\"s\",\"tenant\":\"t\",\"tokenType\":\"Bearer\"}", "", 0);
        AccessToken token = source().fetch(VAULT);
        assertEquals("cli-token", token.value());
        assertEquals(expires * 1000, token.expiresAtMillis());
        assertEquals("account get-access-token --resource https://vault.azure.net -o json", args());
    }

    @Test
    void readsTheLocalTimeOfOlderClisAndPassesTenantAndScope() throws Exception {
        env.put("AZURE_TENANT_ID", "contoso.onmicrosoft.com");
        now.set(System.currentTimeMillis());
        LocalDateTime local = LocalDateTime.now().plusMinutes(50).withNano(123456000);
        az("{\"accessToken\":\"cli-token\",\"expiresOn\":\"" + local.toString().replace('T', ' ') + "\"}", "", 0);
        AccessToken token = source().fetch(new TokenRequest(null, "api://app/read", Identity.SYSTEM_ASSIGNED, null));
        assertEquals(local.atZone(ZoneId.systemDefault()).toInstant().toEpochMilli(), token.expiresAtMillis());
        assertEquals("account get-access-token --scope api://app/read --tenant contoso.onmicrosoft.com -o json",
                args());
    }

    @Test
    void aFailureGivesTheFirstLineOfStderrAndNeverStdout() throws Exception {
        az("{\"accessToken\":\"must-not-show\"}", "ERROR: Please run 'az login' to setup account.\nmore detail", 1);
        TokenException e = assertThrows(TokenException.class, () -> source().fetch(VAULT));
        assertTrue(e.getMessage().contains(": az exited with 1: ERROR: Please run 'az login' to setup account. "
                + "(resource https://vault.azure.net"), e.getMessage());
        assertFalse(e.getMessage().contains("must-not-show"));
        assertFalse(e.getMessage().contains("more detail"));
    }

    @Test
    void outputThatIsNotATokenIsAnErrorThatQuotesNothing() throws Exception {
        az("secret-looking-garbage", "", 0);
        TokenException e = assertThrows(TokenException.class, () -> source().fetch(VAULT));
        assertTrue(e.getMessage().contains("az printed no JSON object"), e.getMessage());
        assertFalse(e.getMessage().contains("garbage"));
        az("{\"accessToken\":\"t\",\"expiresOn\":\"tomorrow\"}", "", 0);
        assertTrue(assertThrows(TokenException.class, () -> source().fetch(VAULT)).getMessage()
                .contains("without a future expires_on or expiresOn"));
    }

    @Test
    void aHangingAzIsKilledAtTheRetryBudget() throws Exception {
        Path script = dir.resolve("az");
        Files.writeString(script, "#!/bin/sh\nexec sleep 30\n");
        Files.setPosixFilePermissions(script, Set.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_EXECUTE));
        long started = System.nanoTime();
        TokenException e = assertThrows(TokenException.class, () -> new AzureCliTokenSource(context(1000))
                .fetch(VAULT));
        assertTrue(e.getMessage().contains("az did not finish within 1000 ms"), e.getMessage());
        assertTrue(System.nanoTime() - started < 10_000_000_000L);
    }

    @Test
    void noAzOnPathIsAConfigurationError() {
        env.put("PATH", dir.toString());
        assertEquals("source azurecli: az is not on PATH: install the Azure CLI and run az login",
                assertThrows(ConfigException.class, this::source).getMessage());
    }

    @Test
    void selectorsAuthorityAndUnsafeAudiencesAreRefused() throws Exception {
        az("{}", "", 0);
        AzureCliTokenSource source = source();
        assertNull(source.unsupported(VAULT));
        assertTrue(source.unsupported(TokenRequest.forResource("https://vault.azure.net", Identity.userAssigned(
                Identity.Kind.CLIENT_ID, "x"), null)).startsWith("client_id=x names a managed identity"));
        assertTrue(source.unsupported(TokenRequest.forResource("https://vault.azure.net", Identity.SYSTEM_ASSIGNED,
                "https://login.example/t")).startsWith("authority cannot be given per rule"));
        assertTrue(source.unsupported(TokenRequest.forResource("https://x&calc", Identity.SYSTEM_ASSIGNED, null))
                .startsWith("\"https://x&calc\" has a character"));
    }
}
