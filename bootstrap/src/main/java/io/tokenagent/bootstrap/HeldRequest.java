package io.tokenagent.bootstrap;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * A request an asynchronous client's hook holds back until its token has arrived: once the value is known it is
 * {@linkplain #release released} (the hook re-enters the client) or {@linkplain #fail failed} through the client's
 * own error path, exactly once, whatever either throws. What {@code release} throws (a client closed meanwhile, an
 * executor that rejects, a terminated event loop) is handed to {@code fail}, so that the application's future and
 * callback always hear of it; what {@code fail} throws is reported on the bridge's failure channel.
 *
 * <p>In the boot class loader beside the bridge, so that hooks in every loader share this one rule.
 */
public abstract class HeldRequest implements BiConsumer<String, Throwable> {

    private final String hook;
    private final AtomicBoolean settled = new AtomicBoolean();

    /** @param hook the hook's name, for the failure channel */
    protected HeldRequest(String hook) {
        this.hook = hook;
    }

    /** Releases or fails this request once {@code value} is complete, on the thread that completes it. */
    public final void after(CompletableFuture<String> value) {
        value.whenComplete(this);
    }

    @Override
    public final void accept(String header, Throwable failure) {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        Throwable cause = failure == null ? null : unwrap(failure);
        if (cause == null) {
            try {
                release(header);
                return;
            } catch (Throwable t) {
                cause = t;
            }
        }
        try {
            fail(asIOException(cause));
        } catch (Throwable t) {
            TokenAgentBridge.hookFailed(hook, null, t);
        }
    }

    /** Sends the request on, with this header value ({@code null}: none, as {@code on_failure=proceed} says). */
    protected abstract void release(String header) throws Exception;

    /** Fails the request through the client's own error path: the application's future and callback. */
    protected abstract void fail(IOException cause) throws Exception;

    /** The cause a {@link CompletableFuture} wraps in a {@link CompletionException} or {@link ExecutionException}. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The failure as the {@link IOException} clients report: the agent's own as it is, anything else wrapped. */
    public static IOException asIOException(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof IOException ? (IOException) cause
                : new IOException("token-agent: " + cause, cause);
    }
}
