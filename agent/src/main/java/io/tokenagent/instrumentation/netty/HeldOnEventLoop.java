package io.tokenagent.instrumentation.netty;

import io.netty.util.concurrent.EventExecutor;
import io.tokenagent.bootstrap.HeldRequest;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;

/**
 * Writes a Netty hook holds on a channel until their token arrives, released or failed on the channel's event
 * loop: the only thread that may touch them. A hook beside {@link NettyHttpHook} and {@link NettyHttp2Hook},
 * defined in Netty's loader.
 */
public abstract class HeldOnEventLoop extends HeldRequest {

    private final EventExecutor loop;

    protected HeldOnEventLoop(String hook, EventExecutor loop) {
        super(hook);
        this.loop = loop;
    }

    /** Writes what was held, with this header value ({@code null}: none); on the event loop. */
    protected abstract void releaseOnLoop(String header);

    /** Fails what was held; on the event loop, or here once the loop has terminated. */
    protected abstract void failOnLoop(IOException cause);

    @Override
    protected final void release(final String header) {
        loop.execute(new Runnable() {
            @Override
            public void run() {
                releaseOnLoop(header);
            }
        });
    }

    @Override
    protected final void fail(final IOException cause) {
        Runnable fail = new Runnable() {
            @Override
            public void run() {
                failOnLoop(cause);
            }
        };
        try {
            loop.execute(fail);
        } catch (RejectedExecutionException terminated) {
            fail.run(); // no event loop left to touch the channel: its promises are safe from any thread
        }
    }
}
