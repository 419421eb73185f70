package io.tokenagent.token;

import io.tokenagent.config.TokenRequest;
import io.tokenagent.config.Identity;
import io.tokenagent.logging.Logs;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Tokens from the Azure Instance Metadata Service, or any endpoint that speaks its protocol:
 * {@code GET {endpoint}?api-version=…&resource=…} with {@code Metadata: true}, never through a proxy. Retries
 * what IMDS says may be retried (404, 408, 410, 429, 5xx, connection failures and timeouts) within the fetch's
 * retry budget ({@link RetryingFetch}); never 400, 401 or 403.
 */
public final class ImdsTokenSource implements TokenSource {

    private static final Logger log = Logs.get(ImdsTokenSource.class);
    private static final Map<String, String> HEADERS = new LinkedHashMap<String, String>();

    static {
        HEADERS.put("Metadata", "true");
        HEADERS.put("Accept", "application/json");
    }

    private final URI endpoint;
    private final String apiVersion;
    private final Identity defaultIdentity;
    private final EndpointCall call;
    private final RetryingFetch retrying;
    private final LongSupplier clock;
    private final String chosenBy;

    ImdsTokenSource(SourceContext context) {
        this.endpoint = context.config().endpoint();
        this.apiVersion = context.config().apiVersion();
        this.defaultIdentity = ManagedIdentity.defaultIdentity(context);
        this.call = context.call();
        this.retrying = context.retrying();
        this.clock = context.clock();
        this.chosenBy = context.chosenBy();
    }

    @Override
    public String unsupported(TokenRequest request) {
        return ManagedIdentity.unsupportedScope(request);
    }

    @Override
    public String describe() {
        return "IMDS " + endpoint + chosenBy;
    }

    @Override
    public long maxFetchMillis() {
        return retrying.maxMillis() + call.maxMillis();
    }

    @Override
    public AccessToken fetch(TokenRequest request) throws TokenException {
        return fetch(request, false);
    }

    @Override
    public AccessToken fetchBypassingCache(TokenRequest request) throws TokenException {
        return fetch(request, true);
    }

    private AccessToken fetch(final TokenRequest request, boolean bypassCache) throws TokenException {
        final URL url = requestUrl(request, bypassCache);
        return retrying.fetch(describe(), request, new RetryingFetch.Attempt() {
            @Override
            public AccessToken run() throws TokenException {
                return attempt(url, request);
            }
        });
    }

    private AccessToken attempt(URL url, TokenRequest request) throws TokenException {
        EndpointCall.Response response = call.send(url, HEADERS, null, Proxy.NO_PROXY);
        if (response.status == 200) {
            AccessToken token = TokenResponseParser.parseToken(response.body, clock.getAsLong());
            log.debug("{}: token for {}, expires in {} s, {}", describe(), request,
                    (token.expiresAtMillis() - token.obtainedAtMillis()) / 1000, token.fingerprintForLog());
            return token;
        }
        throw StatusFailure.of(response, clock.getAsLong());
    }

    /** The endpoint has no query of its own (the configuration refuses one): the agent's parameters are all. */
    private URL requestUrl(TokenRequest request, boolean bypassCache) {
        Identity identity = ManagedIdentity.effective(request.identity(), defaultIdentity);
        Form query = new Form().add("api-version", apiVersion).add("resource", request.resource())
                .add(identity.kind().parameter(), identity.value()).add("authority", request.authority())
                .add("bypass_cache", bypassCache ? "true" : null);
        try {
            return new URL(endpoint + "?" + query);
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException("the configured endpoint was checked at start", e);
        }
    }
}
