package io.tokenagent.instrumentation.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.tokenagent.bootstrap.HeaderPolicy;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.HeldRequest;
import io.tokenagent.bootstrap.RequestHeaders;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Called first in {@code DefaultHttp2ConnectionEncoder}'s HEADERS and DATA writes (see
 * {@link NettyHttp2Instrumentation}). On a client's connection it sets the agent's header, lower-case as HTTP/2
 * wants, on each request's HEADERS frame, for the URL its pseudo-headers name. A server's connection (responses)
 * is never touched. Defined in Netty's class loader; uses API present from Netty 4.1 to 4.2.
 *
 * <p>The encoder runs on the connection's event loop, which must never wait. When a request's token is not cached,
 * its HEADERS and every HEADERS or DATA write after it on that connection are held, in order (stream ids must
 * reach the wire in the order they were created), and written from the event loop once the token has arrived. If
 * none can be had ({@code on_failure=fail}), that stream's writes fail with the agent's error, which the client
 * reports through its own API, and the other streams' writes go on.
 */
public final class NettyHttp2Hook {

    private static final AttributeKey<Held> HELD = AttributeKey.valueOf("io.tokenagent.held.h2");

    private static final String NAME = "netty-http2";

    private NettyHttp2Hook() {
    }

    /** @return the promise when the hook has taken the write over (held, or failed); null to let it be written */
    public static ChannelFuture headers(DefaultHttp2ConnectionEncoder encoder, final ChannelHandlerContext ctx,
            int streamId, final Http2Headers headers, boolean hasPriority, int streamDependency, short weight,
            boolean exclusive, int padding, boolean endOfStream, ChannelPromise promise) {
        if (encoder.connection().isServer()) {
            return null;
        }
        Write write = new Write(streamId, headers, null, hasPriority, streamDependency, weight, exclusive, padding,
                endOfStream, promise);
        Held held = ctx.channel().attr(HELD).get();
        if (held != null) {
            held.writes.add(write);
            return promise;
        }
        if (headers.method() == null || headers.path() == null) {
            return null; // trailers
        }
        HeaderRule matched = null;
        NettyRequestTarget target;
        try {
            Headers values = new Headers(headers);
            HeaderPolicy.removeInjected(values);
            target = NettyRequestTarget.of(ctx, headers.path().toString(), headers.authority());
            matched = target == null ? null
                    : TokenAgentBridge.match(target.scheme, target.host, target.port, target.path);
            if (!HeaderPolicy.applies(matched, values)) {
                return null;
            }
        } catch (Throwable t) {
            IOException error = TokenAgentBridge.hookFailed(NAME, matched, t);
            if (error != null) {
                write.fail(encoder, ctx, error); // on_failure=fail: never without its header
                return promise;
            }
            return null; // never break a request because of the agent's plumbing
        }
        final HeaderRule rule = matched;
        CompletableFuture<String> value = rule.headerValueAsync(target.scheme, target.host, target.port);
        if (value.isDone()) {
            try {
                setHeader(headers, rule, value.join());
            } catch (CompletionException e) {
                write.fail(encoder, ctx, HeldRequest.asIOException(e));
                return promise;
            }
            return null;
        }
        final Held waiting = new Held(encoder, streamId);
        ctx.channel().attr(HELD).set(waiting);
        waiting.writes.add(write);
        new HeldOnEventLoop(NAME, ctx.executor()) {
            @Override
            protected void releaseOnLoop(String header) {
                setHeader(headers, rule, header);
                waiting.release(ctx, null);
            }

            @Override
            protected void failOnLoop(IOException cause) {
                waiting.release(ctx, cause);
            }
        }.after(value);
        return promise;
    }

    /** @return the promise when the write was held behind a request waiting for its token; null to let it be written */
    public static ChannelFuture data(DefaultHttp2ConnectionEncoder encoder, ChannelHandlerContext ctx, int streamId,
            ByteBuf data, int padding, boolean endOfStream, ChannelPromise promise) {
        Held held = ctx.channel().attr(HELD).get();
        if (held == null) {
            return null;
        }
        held.writes.add(new Write(streamId, null, data, false, 0, (short) 0, false, padding, endOfStream, promise));
        return promise;
    }

    private static void setHeader(Http2Headers headers, HeaderRule rule, String value) {
        if (value != null) {
            headers.set(lowerCase(rule.headerName()), value); // replaces any of that name: never twice
        }
    }

    /** HTTP/2 header names are lower-case (Netty rejects others); a rule's header name is ASCII. */
    private static String lowerCase(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** An HTTP/2 request's headers, for {@link HeaderPolicy}: names compared lower-case, as HTTP/2 sends them. */
    private static final class Headers implements RequestHeaders {
        private final Http2Headers headers;

        Headers(Http2Headers headers) {
            this.headers = headers;
        }

        @Override
        public List<String> values(String name) {
            List<CharSequence> all = headers.getAll(lowerCase(name));
            List<String> values = new ArrayList<String>(all.size());
            for (CharSequence value : all) {
                values.add(value.toString());
            }
            return values;
        }

        @Override
        public void remove(String name) {
            headers.remove(lowerCase(name));
        }
    }

    /** One HEADERS (with {@code headers}) or DATA (with {@code data}) write, with everything to write it later. */
    private static final class Write {
        final int streamId;
        final Http2Headers headers;
        final ByteBuf data;
        final boolean hasPriority;
        final int streamDependency;
        final short weight;
        final boolean exclusive;
        final int padding;
        final boolean endOfStream;
        final ChannelPromise promise;

        Write(int streamId, Http2Headers headers, ByteBuf data, boolean hasPriority, int streamDependency,
                short weight, boolean exclusive, int padding, boolean endOfStream, ChannelPromise promise) {
            this.streamId = streamId;
            this.headers = headers;
            this.data = data;
            this.hasPriority = hasPriority;
            this.streamDependency = streamDependency;
            this.weight = weight;
            this.exclusive = exclusive;
            this.padding = padding;
            this.endOfStream = endOfStream;
            this.promise = promise;
        }

        /** Through the encoder's public methods, which lead back to the hook and on to the frame writer. */
        void write(DefaultHttp2ConnectionEncoder encoder, ChannelHandlerContext ctx) {
            try {
                if (data != null) {
                    encoder.writeData(ctx, streamId, data, padding, endOfStream, promise);
                } else if (hasPriority) {
                    encoder.writeHeaders(ctx, streamId, headers, streamDependency, weight, exclusive, padding,
                            endOfStream, promise);
                } else {
                    encoder.writeHeaders(ctx, streamId, headers, padding, endOfStream, promise);
                }
            } catch (Throwable t) {
                promise.tryFailure(t);
            }
        }

        /**
         * Fails this write. Never through a void promise, whose failure would fail the whole connection. A stream
         * the client created before its HEADERS (Vert.x does) gets a stream error, which reaches that request
         * with the cause and closes the stream without a frame (its HEADERS never left).
         */
        void fail(DefaultHttp2ConnectionEncoder encoder, ChannelHandlerContext ctx, IOException cause) {
            ReferenceCountUtil.release(data);
            if (!promise.isVoid()) {
                promise.tryFailure(cause);
            }
            if (headers != null && encoder.connection().stream(streamId) != null
                    && ctx.handler() instanceof Http2ConnectionHandler) {
                ((Http2ConnectionHandler) ctx.handler()).onError(ctx, false, Http2Exception.streamError(streamId,
                        Http2Error.INTERNAL_ERROR, cause, "%s", cause.getMessage()));
            }
        }
    }

    /** Writes held on one connection behind a request that waits for its token. Touched on its event loop only. */
    private static final class Held {
        private final DefaultHttp2ConnectionEncoder encoder;
        private final int streamId;
        final List<Write> writes = new ArrayList<Write>();

        Held(DefaultHttp2ConnectionEncoder encoder, int streamId) {
            this.encoder = encoder;
            this.streamId = streamId;
        }

        /**
         * Writes everything held, in order; with a failure, the waiting stream's writes fail instead. A write may be
         * held again, behind another request that waits for its token.
         */
        void release(ChannelHandlerContext ctx, IOException failure) {
            ctx.channel().attr(HELD).set(null);
            for (Write write : writes) {
                if (failure != null && write.streamId == streamId) {
                    write.fail(encoder, ctx, failure);
                } else {
                    write.write(encoder, ctx);
                }
            }
            ctx.flush();
        }
    }
}
