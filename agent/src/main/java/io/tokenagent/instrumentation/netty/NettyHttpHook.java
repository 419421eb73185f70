package io.tokenagent.instrumentation.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.netty.handler.codec.http.HttpObjectEncoder;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.tokenagent.bootstrap.HeaderPolicy;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.HeldRequest;
import io.tokenagent.bootstrap.RequestHeaders;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Called first in {@code HttpObjectEncoder.write} (see {@link NettyHttpInstrumentation}) for every message a Netty
 * HTTP/1.x encoder is asked to write. On a client's request encoder it sets the agent's header on each request as
 * it leaves, for the URL it goes to. Defined in Netty's class loader; uses API present from Netty 4.1 to 4.2.
 *
 * <p>The encoder runs on the channel's event loop, which must never wait. When the request's token is not cached,
 * the request and whatever the client writes after it on that channel (its body) are held, in order, and written
 * from the event loop once the token has arrived; if none can be had ({@code on_failure=fail}), their write
 * promises fail with the agent's error, which each client reports through its own API.
 *
 * <p>Responses: the channel's response decoder tells {@link #decoded} what it decoded. HTTP/1.1 answers requests in
 * the order they were sent, so each final response is paired with the oldest request sent on the channel that has
 * no answer yet; a 401 to one that carried the agent's header renews its token. The request is not sent again (a
 * rule with {@code retry_on_401} says so once, at warn).
 */
public final class NettyHttpHook {

    private static final AttributeKey<Held> HELD = AttributeKey.valueOf("io.tokenagent.held");
    private static final AttributeKey<Unanswered> UNANSWERED = AttributeKey.valueOf("io.tokenagent.unanswered");

    private static final String NAME = "netty";

    private NettyHttpHook() {
    }

    /**
     * @return true when the hook has taken over the message (held, or failed): the encoder must do nothing more
     */
    public static boolean write(final HttpObjectEncoder<?> encoder, final ChannelHandlerContext ctx, Object msg,
            ChannelPromise promise) {
        if (!(encoder instanceof HttpRequestEncoder)) {
            return false; // a server's response encoder
        }
        Held held = ctx.channel().attr(HELD).get();
        if (held != null) {
            held.add(ctx, msg, promise);
            return true;
        }
        if (!(msg instanceof HttpRequest)) {
            return false;
        }
        final HttpRequest request = (HttpRequest) msg;
        HeaderRule matched = null;
        NettyRequestTarget target;
        try {
            Headers headers = new Headers(request.headers());
            HeaderPolicy.removeInjected(headers);
            target = NettyRequestTarget.of(ctx, request.uri(), request.headers().get("Host"));
            matched = target == null ? null
                    : TokenAgentBridge.match(target.scheme, target.host, target.port, target.path);
            if (!HeaderPolicy.applies(matched, headers)) {
                Unanswered.sent(ctx, null, null);
                return false;
            }
        } catch (Throwable t) {
            IOException error = TokenAgentBridge.hookFailed(NAME, matched, t);
            if (error != null) {
                failNow(encoder, ctx, msg, promise, error); // on_failure=fail: never without its header
                return true;
            }
            Unanswered.sent(ctx, null, null);
            return false; // never break a request because of the agent's plumbing
        }
        final HeaderRule rule = matched;
        CompletableFuture<String> value = rule.headerValueAsync(target.scheme, target.host, target.port);
        if (value.isDone()) {
            String header;
            try {
                header = value.join();
            } catch (CompletionException e) {
                failNow(encoder, ctx, msg, promise, HeldRequest.asIOException(e));
                return true;
            }
            setHeader(request, rule, header);
            Unanswered.sent(ctx, rule, header);
            return false;
        }
        final Held waiting = new Held(encoder);
        ctx.channel().attr(HELD).set(waiting);
        waiting.add(ctx, msg, promise);
        new HeldOnEventLoop(NAME, ctx.executor()) {
            @Override
            protected void releaseOnLoop(String header) {
                setHeader(request, rule, header);
                waiting.release(ctx);
            }

            @Override
            protected void failOnLoop(IOException cause) {
                waiting.fail(ctx, cause);
            }
        }.after(value);
        return true;
    }

    /**
     * Called at each return of {@code HttpObjectDecoder.decode} with what it decoded into {@code out}: on a client's
     * response decoder, tells the agent of a 401 that refused its header (see {@link HeaderPolicy#replayAfter}).
     * Never throws into the decoder.
     */
    public static void decoded(HttpObjectDecoder decoder, ChannelHandlerContext ctx, List<Object> out) {
        if (!(decoder instanceof HttpResponseDecoder) || out.isEmpty()) {
            return; // a server's request decoder, or nothing decoded
        }
        try {
            Unanswered unanswered = ctx.channel().attr(UNANSWERED).get();
            if (unanswered == null) {
                return;
            }
            for (int i = 0; i < out.size(); i++) {
                Object msg = out.get(i);
                if (msg instanceof HttpResponse && unanswered.answers((HttpResponse) msg)) {
                    unanswered.answered((HttpResponse) msg);
                }
            }
        } catch (Throwable t) {
            TokenAgentBridge.hookFailed(NAME, null, t);
        }
    }

    /** Fails a request on the event loop, and whatever the client writes after it (its body). */
    private static void failNow(HttpObjectEncoder<?> encoder, ChannelHandlerContext ctx, Object msg,
            ChannelPromise promise, IOException error) {
        Held failed = new Held(encoder);
        ctx.channel().attr(HELD).set(failed);
        failed.add(ctx, msg, promise);
        failed.fail(ctx, error);
    }

    private static void setHeader(HttpRequest request, HeaderRule rule, String value) {
        if (value != null) {
            request.headers().set(rule.headerName(), value); // replaces any of that name: never twice
        }
    }

    /**
     * A Netty request's headers, for {@link HeaderPolicy}. A request reused for a redirect hop may still carry the
     * header the agent set for the previous URL.
     */
    private static final class Headers implements RequestHeaders {
        private final HttpHeaders headers;

        Headers(HttpHeaders headers) {
            this.headers = headers;
        }

        @Override
        public List<String> values(String name) {
            return headers.getAll(name);
        }

        @Override
        public void remove(String name) {
            headers.remove(name);
        }
    }

    /**
     * The requests sent on one channel that have no final response yet, oldest first: for each, the rule whose
     * header it carried and that header's value, or nulls. Touched on the channel's event loop only.
     */
    private static final class Unanswered {
        /** More than a client pipelines: a channel whose responses this decoder never sees is no longer followed. */
        private static final int LIMIT = 32;
        private static final Object[] NONE = new Object[2];

        private final ArrayDeque<Object[]> requests = new ArrayDeque<Object[]>();
        /** The last response paired: the decoder may hand the same one over twice (its last call at close). */
        private HttpResponse last;
        private boolean followed = true;

        static void sent(ChannelHandlerContext ctx, HeaderRule rule, String value) {
            Unanswered unanswered = ctx.channel().attr(UNANSWERED).get();
            if (unanswered == null) {
                unanswered = new Unanswered();
                ctx.channel().attr(UNANSWERED).set(unanswered);
            }
            if (!unanswered.followed) {
                return;
            }
            if (unanswered.requests.size() == LIMIT) {
                unanswered.followed = false;
                unanswered.requests.clear();
                return;
            }
            unanswered.requests.add(rule == null || value == null ? NONE : new Object[] {rule, value});
        }

        /** Whether {@code response} is a final answer not yet paired (1xx ones are not final). */
        boolean answers(HttpResponse response) {
            return followed && response != last && response.status().code() >= 200;
        }

        void answered(HttpResponse response) {
            last = response;
            Object[] request = requests.poll();
            if (request == null || request[0] == null || response.status().code() != 401) {
                return;
            }
            final HeaderRule rule = (HeaderRule) request[0];
            final List<String> sent = Collections.singletonList((String) request[1]);
            HeaderPolicy.renewAfter(NAME, rule, new RequestHeaders() {
                @Override
                public List<String> values(String name) {
                    return name.equals(rule.headerName()) ? sent : Collections.<String>emptyList();
                }

                @Override
                public void remove(String name) {
                    throw new UnsupportedOperationException("a sent request's headers are read only");
                }
            }, response.headers().getAll("WWW-Authenticate"));
        }
    }

    /** Writes held on one channel behind a request that waits for its token. Touched on its event loop only. */
    private static final class Held {
        private final HttpObjectEncoder<?> encoder;
        private final List<Object> messages = new ArrayList<Object>();
        private final List<ChannelPromise> promises = new ArrayList<ChannelPromise>();
        /** Set once the request has failed: the rest of its messages fail with it. */
        private IOException failure;

        Held(HttpObjectEncoder<?> encoder) {
            this.encoder = encoder;
        }

        void add(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (failure == null) {
                messages.add(msg);
                promises.add(promise);
                return;
            }
            ReferenceCountUtil.release(msg);
            promise.tryFailure(failure);
            if (msg instanceof LastHttpContent) {
                ctx.channel().attr(HELD).set(null); // the failed request is over: the channel is free again
            }
        }

        /** Writes everything held, in order, through the encoder, now that the request has its header. */
        void release(ChannelHandlerContext ctx) {
            ctx.channel().attr(HELD).set(null);
            for (int i = 0; i < messages.size(); i++) {
                try {
                    encoder.write(ctx, messages.get(i), promises.get(i));
                } catch (Throwable t) {
                    promises.get(i).tryFailure(t);
                }
            }
            ctx.flush();
        }

        void fail(ChannelHandlerContext ctx, IOException cause) {
            failure = cause;
            boolean complete = false;
            for (int i = 0; i < messages.size(); i++) {
                Object msg = messages.get(i);
                complete |= msg instanceof LastHttpContent;
                ReferenceCountUtil.release(msg);
                promises.get(i).tryFailure(failure);
            }
            messages.clear();
            promises.clear();
            if (complete) {
                ctx.channel().attr(HELD).set(null);
            }
            // Not every client watches the write's outcome (Reactor Netty 1.2+ under WebClient waits for the
            // response); all of them fail the exchange on a channel's exception.
            ctx.fireExceptionCaught(failure);
        }
    }
}
