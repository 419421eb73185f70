package io.tokenagent.instrumentation;

import io.tokenagent.bootstrap.HeaderProvider;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The agent behind the bridge, for hook tests: every request matches one rule whose token is {@link #value},
 * completed by the test; hook failures are recorded, and fail the request when {@link #failOnHookFailure}.
 */
final class BridgeStub implements HeaderProvider, HeaderRule {

    final CompletableFuture<String> value = new CompletableFuture<>();
    final List<String> hookFailures = new CopyOnWriteArrayList<>();
    volatile boolean failOnHookFailure;
    /** Makes the rule throw when a hook asks whether it overwrites: a hook failing after the request matched. */
    volatile RuntimeException brokenRule;

    static BridgeStub install() {
        BridgeStub stub = new BridgeStub();
        TokenAgentBridge.install(stub);
        return stub;
    }

    @Override
    public HeaderRule match(String scheme, String host, int port, String rawPath) {
        return this;
    }

    @Override
    public boolean isInjectedValue(String headerValue) {
        return headerValue.equals("Bearer injected");
    }

    @Override
    public String[] headerNames() {
        return new String[] {"Authorization"};
    }

    @Override
    public IOException hookFailed(String hook, HeaderRule rule, Throwable cause) {
        hookFailures.add(hook + ": " + cause);
        return failOnHookFailure && rule != null ? new IOException("token-agent: " + hook + " failed", cause) : null;
    }

    @Override
    public String headerName() {
        return "Authorization";
    }

    @Override
    public boolean overwrite() {
        if (brokenRule != null) {
            throw brokenRule;
        }
        return false;
    }

    @Override
    public String headerValue(String scheme, String host, int port) throws IOException {
        try {
            return value.join();
        } catch (RuntimeException e) {
            throw new IOException(e);
        }
    }

    @Override
    public CompletableFuture<String> headerValueAsync(String scheme, String host, int port) {
        return value;
    }
}
