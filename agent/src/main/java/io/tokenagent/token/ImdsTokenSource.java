package io.tokenagent.token;

import io.tokenagent.config.AgentConfig;

/** PLACEHOLDER: replaced by the token client work. */
public final class ImdsTokenSource implements TokenSource {
    public static ImdsTokenSource create(AgentConfig config) {
        throw new UnsupportedOperationException("not yet written");
    }

    @Override
    public AccessToken fetch(TokenRequest request, boolean bypassCache) throws TokenException {
        throw new UnsupportedOperationException("not yet written");
    }

    @Override
    public String describe() {
        return "IMDS";
    }
}
