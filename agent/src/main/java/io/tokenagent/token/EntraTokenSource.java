package io.tokenagent.token;

import io.tokenagent.config.TokenRequest;

/** What the Entra ID sources share: one token endpoint, each with its own proof of the application's identity. */
abstract class EntraTokenSource implements TokenSource {

    final EntraTokenEndpoint endpoint;

    EntraTokenSource(EntraTokenEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** What the application proves itself with in one exchange (made anew each time where it rotates). */
    abstract EntraTokenEndpoint.Credential credential();

    @Override
    public AccessToken fetch(TokenRequest request) throws TokenException {
        return endpoint.fetch(request, credential());
    }

    @Override
    public long maxFetchMillis() {
        return endpoint.maxFetchMillis();
    }

    @Override
    public String unsupported(TokenRequest request) {
        return endpoint.unsupported(request);
    }

    @Override
    public String describe() {
        return endpoint.describe();
    }
}
