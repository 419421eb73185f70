package io.tokenagent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenagent.bootstrap.HeldRequest;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one rule every asynchronous hook's held request follows: released or failed exactly once. */
class HeldRequestTest {

    private final BridgeStub bridge = BridgeStub.install();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> value = new CompletableFuture<>();

    @AfterEach
    void uninstall() {
        io.tokenagent.bootstrap.TokenAgentBridge.install(null);
    }

    private HeldRequest held(RuntimeException onRelease, RuntimeException onFail) {
        return new HeldRequest("test") {
            @Override
            protected void release(String header) {
                calls.add("release " + header);
                if (onRelease != null) {
                    throw onRelease;
                }
            }

            @Override
            protected void fail(IOException cause) {
                calls.add("fail " + cause.getMessage());
                if (onFail != null) {
                    throw onFail;
                }
            }
        };
    }

    @Test
    void aTokenReleasesTheRequestOnce() {
        HeldRequest held = held(null, null);
        held.after(value);
        value.complete("Bearer t");
        held.accept("Bearer again", null);

        assertEquals(List.of("release Bearer t"), calls);
    }

    @Test
    void aTokenFailureFailsTheRequestWithTheAgentsOwnError() {
        held(null, null).after(value);
        value.completeExceptionally(new CompletionException(new IOException("token-agent: no token")));

        assertEquals(List.of("fail token-agent: no token"), calls);
    }

    @Test
    void aClientClosedMeanwhileFailsTheRequestInsteadOfLosingIt() {
        held(new IllegalStateException("Request cannot be executed; I/O reactor status: STOPPED"), null).after(value);
        value.complete("Bearer t");

        assertEquals(List.of("release Bearer t", "fail token-agent: java.lang.IllegalStateException: Request cannot "
                + "be executed; I/O reactor status: STOPPED"), calls);
    }

    @Test
    void anExecutorThatRejectsFailsTheRequest() {
        held(new RejectedExecutionException("event executor terminated"), null).after(value);
        value.complete(null);

        assertEquals(List.of("release null", "fail token-agent: java.util.concurrent.RejectedExecutionException: "
                + "event executor terminated"), calls);
    }

    @Test
    void whatTheClientsErrorPathThrowsIsReportedNotLost() {
        held(null, new IllegalStateException("callback broke")).after(value);
        value.completeExceptionally(new IOException("token-agent: no token"));

        assertEquals(List.of("fail token-agent: no token"), calls);
        assertEquals(List.of("test: java.lang.IllegalStateException: callback broke"), bridge.hookFailures);
    }

    @Test
    void anIOExceptionIsPassedOnAsItIsAndAnythingElseWrapped() {
        IOException own = new IOException("token-agent: x");
        assertSame(own, HeldRequest.asIOException(new CompletionException(own)));
        IllegalStateException other = new IllegalStateException("y");
        assertSame(other, HeldRequest.asIOException(other).getCause());
        assertTrue(HeldRequest.asIOException(other).getMessage().startsWith("token-agent: "));
    }
}
