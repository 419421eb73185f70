package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Azure Arc-connected servers: {@code GET {IDENTITY_ENDPOINT}?api-version=2020-06-01&resource=…} with
 * {@code Metadata: true} is answered 401 with {@code WWW-Authenticate: Basic realm=<key file>}; the same GET again
 * with {@code Authorization: Basic <the file's content>} gets the token. The key file is read only if it is a
 * {@code .key} file of at most {@value #MAX_KEY_BYTES} bytes directly in the Arc agent's tokens directory, which
 * only administrators and the agent's group can read: a realm pointing elsewhere must not make the agent send
 * some other file's content. Older Arc agents ignore a user-assigned selector and answer with the system identity,
 * so a token that does not show the identity asked for is refused.
 */
final class ArcTokenSource extends ManagedIdentitySource {

    static final String DEFAULT_ENDPOINT = "http://localhost:40342/metadata/identity/oauth2/token";
    static final int MAX_KEY_BYTES = 4096;
    /**
     * Test-only: another tokens directory, so that tests need not write to the real one. Not under
     * {@code tokenagent.} (the configuration refuses unknown keys there) and not in the README: not an option.
     */
    static final String TEST_TOKENS_DIR_PROPERTY = "io.tokenagent.test.arc-tokens-dir";

    private final File tokensDir;

    ArcTokenSource(SourceContext context) throws ConfigException {
        super("Azure Arc", endpoint(context), context);
        this.tokensDir = tokensDir(context);
    }

    /** {@code IDENTITY_ENDPOINT}, or the agent's fixed local endpoint when Arc was found by its service binary. */
    private static URI endpoint(SourceContext context) throws ConfigException {
        return context.env("IDENTITY_ENDPOINT") == null ? URI.create(DEFAULT_ENDPOINT)
                : endpointFrom(context, "IDENTITY_ENDPOINT");
    }

    private static File tokensDir(SourceContext context) {
        String test = context.systemProperty(TEST_TOKENS_DIR_PROPERTY);
        if (test != null) {
            return new File(test);
        }
        String programData = context.env("ProgramData");
        return File.separatorChar == '\\' && programData != null
                ? new File(programData, "AzureConnectedMachineAgent\\Tokens") : new File("/var/opt/azcmagent/tokens");
    }

    @Override
    public long maxFetchMillis() {
        return super.maxFetchMillis() + call.maxMillis();
    }

    @Override
    String unsupportedIdentity(Identity identity) {
        return null;
    }

    @Override
    EndpointCall.Response exchange(TokenRequest request, Identity identity, List<String> sent)
            throws TokenException {
        Form query = new Form().add("api-version", "2020-06-01").add("resource", request.resource())
                .add(identity.kind().parameter(), identity.value());
        URL url = Endpoints.withQuery(endpoint, query);
        Map<String, String> headers = new LinkedHashMap<String, String>();
        headers.put("Metadata", "true");
        headers.put("Accept", "application/json");
        EndpointCall.Response challenge = call.send(url, headers, null, Proxy.NO_PROXY);
        String realm = challenge.status == 401 ? basicRealm(challenge.header("WWW-Authenticate")) : null;
        if (realm == null) {
            return challenge;
        }
        String key = readKey(realm);
        sent.add(key);
        headers.put("Authorization", "Basic " + key);
        return call.send(url, headers, null, Proxy.NO_PROXY);
    }

    /** The path in {@code Basic realm=<path>}, or null for any other challenge. */
    private static String basicRealm(String challenge) {
        if (challenge == null) {
            return null;
        }
        String value = challenge.trim();
        if (!value.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        int equals = value.indexOf('=');
        if (equals < 0 || !value.substring(6, equals).trim().equalsIgnoreCase("realm")) {
            return null;
        }
        String realm = value.substring(equals + 1).trim();
        return realm.isEmpty() ? null : realm;
    }

    private String readKey(String realm) throws TokenException {
        File key;
        File dir;
        try {
            key = new File(realm).getCanonicalFile();
            dir = tokensDir.getCanonicalFile();
        } catch (IOException e) {
            throw refused(realm, "its path cannot be resolved");
        }
        if (!dir.equals(key.getParentFile())) {
            throw refused(realm, "it is not in the Arc agent's tokens directory " + dir);
        }
        if (!key.getName().endsWith(".key")) {
            throw refused(realm, "it is not a .key file");
        }
        if (!key.isFile() || key.length() > MAX_KEY_BYTES) {
            throw refused(realm, "it is not a file of at most " + MAX_KEY_BYTES + " bytes");
        }
        byte[] bytes = new byte[MAX_KEY_BYTES + 1];
        int length = 0;
        try {
            InputStream in = new FileInputStream(key);
            try {
                for (int n; length < bytes.length && (n = in.read(bytes, length, bytes.length - length)) != -1; ) {
                    length += n;
                }
            } finally {
                in.close();
            }
        } catch (IOException e) {
            throw refused(realm, "it cannot be read: " + e.getClass().getSimpleName());
        }
        if (length > MAX_KEY_BYTES) {
            throw refused(realm, "it is not a file of at most " + MAX_KEY_BYTES + " bytes");
        }
        String content = new String(bytes, 0, length, StandardCharsets.UTF_8);
        Arrays.fill(bytes, (byte) 0);
        return headerValue(content, "the key file " + key);
    }

    private TokenException refused(String realm, String why) {
        return new TokenException("the key file the endpoint names (" + TokenResponseParser.excerpt(realm)
                + ") is refused: " + why, false);
    }

    @Override
    void checkIdentity(String body, Identity identity) throws TokenException {
        if (identity.kind() != Identity.Kind.SYSTEM_ASSIGNED
                && !identity.value().equalsIgnoreCase(TokenResponseParser.field(body, identity.kind().parameter()))) {
            throw new TokenException("the token is not shown to be for " + identity + " (the "
                    + "response has no matching " + identity.kind().parameter() + "): this Arc agent may not "
                    + "support user-assigned identities and have answered with the system-assigned one", false);
        }
    }
}
