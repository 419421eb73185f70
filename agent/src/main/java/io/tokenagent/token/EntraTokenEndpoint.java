package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;
import io.tokenagent.logging.Logs;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;

/**
 * Entra ID's v2.0 token endpoint, {@code {AZURE_AUTHORITY_HOST}{AZURE_TENANT_ID}/oauth2/v2.0/token}, as the
 * workload identity and service principal sources use it: a client-credentials POST of
 * {@code grant_type, client_id, scope} and the source's own credential, through the JVM's proxy
 * ({@link EntraProxy}), retried as {@link EntraError} says within the fetch's retry budget. These sources
 * authenticate as one application, {@code AZURE_CLIENT_ID}, in one tenant.
 */
final class EntraTokenEndpoint {

    static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com/";
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private static final Logger log = Logs.get(EntraTokenEndpoint.class);
    private static final Map<String, String> HEADERS = new LinkedHashMap<String, String>();

    static {
        HEADERS.put("Content-Type", "application/x-www-form-urlencoded");
        HEADERS.put("Accept", "application/json");
    }

    /** What a source sends to prove it is the application: read or signed anew for every exchange. */
    interface Credential {
        void addTo(Form form) throws TokenException;
    }

    /** Where the exchange is sent other than the token URL itself, and over which TLS (AKS's token proxy). */
    interface Route {
        URI target(URI tokenUrl);

        /** This route's own TLS settings for the next exchange, or null for the JVM's. */
        SSLSocketFactory tls() throws TokenException;

        String describe();
    }

    private final SourceContext context;
    private final String name;
    final String tenant;
    final String clientId;
    final URI tokenUrl;
    private final Route route;
    private final EndpointCall call;
    private final RetryingFetch retrying;
    private final LongSupplier clock;

    /**
     * @param name the source, for {@link #describe()}, e.g. {@code client secret}
     * @param route null to send to the token URL itself
     */
    EntraTokenEndpoint(SourceContext context, String name, Route route) throws ConfigException {
        this.context = context;
        this.name = name;
        this.tenant = required(context, "AZURE_TENANT_ID", name).trim();
        if (!tenant.matches("[A-Za-z0-9.-]+")) {
            throw new ConfigException("environment variable AZURE_TENANT_ID", "\"" + tenant + "\" is not a tenant id "
                    + "or domain (letters, digits, '.' and '-' only)");
        }
        this.clientId = required(context, "AZURE_CLIENT_ID", name).trim();
        String authorityHost = context.env("AZURE_AUTHORITY_HOST");
        URI authority = Endpoints.parse(authorityHost == null ? DEFAULT_AUTHORITY : authorityHost,
                "environment variable AZURE_AUTHORITY_HOST");
        if (authority.getRawQuery() != null) {
            throw new ConfigException("environment variable AZURE_AUTHORITY_HOST", "\"" + authorityHost
                    + "\" has a query; give the authority host alone, e.g. " + DEFAULT_AUTHORITY);
        }
        String base = authority.toString();
        this.tokenUrl = URI.create(base + (base.endsWith("/") ? "" : "/") + tenant + "/oauth2/v2.0/token");
        EntraProxy.check(context);
        this.route = route;
        this.call = context.call();
        this.retrying = context.retrying();
        this.clock = context.clock();
    }

    /** An environment variable the source cannot do without. */
    static String required(SourceContext context, String variable, String source) throws ConfigException {
        String value = context.env(variable);
        if (value == null) {
            throw new ConfigException("environment variable " + variable, "is not set, and the " + source
                    + " source needs it");
        }
        return value;
    }

    String describe() {
        return name + " of application " + clientId + " in tenant " + tenant + " at " + tokenUrl
                + (route == null ? "" : " " + route.describe()) + context.chosenBy();
    }

    long maxFetchMillis() {
        return retrying.maxMillis() + call.maxMillis();
    }

    /**
     * These sources authenticate as one application: a rule may name that application's client id (it changes
     * nothing), but no other identity; and the tenant is {@code AZURE_TENANT_ID}'s, so a rule's {@code authority}
     * is refused rather than ignored.
     */
    String unsupported(TokenRequest request) {
        Identity identity = request.identity();
        if (identity.kind() != Identity.Kind.SYSTEM_ASSIGNED
                && !(identity.kind() == Identity.Kind.CLIENT_ID && clientId.equals(identity.value()))) {
            return identity + " names a managed identity, but the " + name + " source gets tokens for the "
                    + "application AZURE_CLIENT_ID=" + clientId + " only: remove the selector";
        }
        if (request.authority() != null) {
            return "authority cannot be given per rule with the " + name + " source: the tenant is "
                    + "AZURE_TENANT_ID's (" + tenant + ") and the host AZURE_AUTHORITY_HOST's";
        }
        return null;
    }

    AccessToken fetch(final TokenRequest request, final Credential credential) throws TokenException {
        final String described = describe();
        return retrying.fetch(described, request, new RetryingFetch.Attempt() {
            @Override
            public AccessToken run() throws TokenException {
                return attempt(request, credential, described);
            }
        });
    }

    private AccessToken attempt(TokenRequest request, Credential credential, String described)
            throws TokenException {
        Form form = new Form().add("grant_type", "client_credentials").add("client_id", clientId)
                .add("scope", request.scope());
        credential.addTo(form);
        URI target = route == null ? tokenUrl : route.target(tokenUrl);
        EndpointCall.Response response = call.send(url(target), HEADERS, form.bytes(),
                EntraProxy.select(context, target), route == null ? null : route.tls(), null);
        if (response.status == 200) {
            AccessToken token = TokenResponseParser.parseToken(response.body, clock.getAsLong());
            log.debug("{}: token for {}, expires in {} s, {}", described, request,
                    (token.expiresAtMillis() - token.obtainedAtMillis()) / 1000, token.fingerprintForLog());
            return token;
        }
        throw EntraError.of(response, clock.getAsLong());
    }

    static URL url(URI uri) {
        try {
            return uri.toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException("the URL was checked when the source was built", e);
        }
    }

}
