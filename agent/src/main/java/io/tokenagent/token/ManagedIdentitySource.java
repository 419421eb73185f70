package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;
import io.tokenagent.logging.Logs;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * What the managed-identity sources that read their endpoint from the environment share: the retry budget around
 * each attempt, a 200 read as a token and anything else as a {@link StatusFailure}, the identity a rule gets when
 * it names none ({@code AZURE_CLIENT_ID}), and a description that names the source, its endpoint and how it was
 * chosen. Each subclass makes one attempt's call(s) as its protocol says, never through a proxy.
 */
abstract class ManagedIdentitySource implements TokenSource {

    private static final Logger log = Logs.get(ManagedIdentitySource.class);

    private final SourceContext context;
    final URI endpoint;
    final EndpointCall call;
    private final LongSupplier clock;
    private final String description;
    private final Identity defaultIdentity;
    private final RetryingFetch retrying;

    ManagedIdentitySource(String name, URI endpoint, SourceContext context) {
        this.context = context;
        this.endpoint = endpoint;
        this.call = context.call();
        this.clock = context.clock();
        this.description = name + " " + endpoint + context.chosenBy();
        this.defaultIdentity = ManagedIdentity.defaultIdentity(context);
        this.retrying = context.retrying();
    }

    /**
     * One try at the endpoint for the identity the request comes down to; the response of its last call.
     *
     * @param sent where to add every secret the call(s) carried, so that no error text can quote one
     */
    abstract EndpointCall.Response exchange(TokenRequest request, Identity identity, List<String> sent)
            throws TokenException;

    /**
     * Why this protocol cannot ask for {@code identity} (what a rule named, or else {@code AZURE_CLIENT_ID}), or
     * null when it can.
     */
    abstract String unsupportedIdentity(Identity identity);

    @Override
    public final String unsupported(TokenRequest request) {
        String scope = ManagedIdentity.unsupportedScope(request);
        if (scope != null) {
            return scope;
        }
        Identity identity = identity(request);
        String why = unsupportedIdentity(identity);
        return why == null || request.identity().equals(identity) ? why
                : why + " (the identity comes from AZURE_CLIENT_ID, as the rule names none)";
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public long maxFetchMillis() {
        return retrying.maxMillis() + call.maxMillis();
    }

    @Override
    public final AccessToken fetch(final TokenRequest request) throws TokenException {
        return retrying.fetch(describe(), request, new RetryingFetch.Attempt() {
            @Override
            public AccessToken run() throws TokenException {
                return attempt(request);
            }
        });
    }

    private AccessToken attempt(TokenRequest request) throws TokenException {
        Identity identity = identity(request);
        List<String> sent = new ArrayList<String>();
        EndpointCall.Response response = exchange(request, identity, sent);
        if (response.status != 200) {
            throw StatusFailure.of(response, clock.getAsLong(), sent);
        }
        AccessToken token = TokenResponseParser.parseToken(response.body, clock.getAsLong());
        checkIdentity(response.body, identity);
        log.debug("{}: token for {}, expires in {} s, {}", describe(), request,
                (token.expiresAtMillis() - token.obtainedAtMillis()) / 1000, token.fingerprintForLog());
        return token;
    }

    /** A check that the token is for the identity asked for, where the protocol needs one; none by default. */
    void checkIdentity(String body, Identity identity) throws TokenException {
    }

    final Identity identity(TokenRequest request) {
        return ManagedIdentity.effective(request.identity(), defaultIdentity);
    }

    /** A variable the source needs: its value, or a configuration error naming it. */
    static String required(SourceContext context, String name) throws ConfigException {
        String value = context.env(name);
        if (value == null) {
            throw new ConfigException("environment variable " + name, "is not set");
        }
        return value;
    }

    /**
     * A secret the platform rotates, read again for each call and added to {@code sent}; an error naming it (never
     * its value) if gone.
     */
    final String secret(String name, List<String> sent) throws TokenException {
        String value = context.env(name);
        if (value == null) {
            throw new TokenException("environment variable " + name + " is no longer set", false);
        }
        sent.add(headerValue(value, "environment variable " + name));
        return value;
    }

    /**
     * A secret as a header value. The JDK's own check would refuse a control character with a message quoting
     * the whole value, which could then reach a log: refuse it here, saying only where it is.
     */
    static String headerValue(String secret, String what) throws TokenException {
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new TokenException(what + " has a character not allowed in a header (at " + i + ")", false);
            }
        }
        return secret;
    }

    static URI endpointFrom(SourceContext context, String name) throws ConfigException {
        return Endpoints.parse(required(context, name), "environment variable " + name);
    }
}
