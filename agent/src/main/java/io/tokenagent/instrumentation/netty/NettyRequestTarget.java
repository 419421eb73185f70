package io.tokenagent.instrumentation.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;

/**
 * Where a request a Netty client writes goes: from its absolute URI (HTTP/1.x through a proxy), else its authority
 * ({@code Host}, or HTTP/2's {@code :authority}) and the channel; the scheme is the channel's, TLS or not, whatever
 * the request says. A hook beside {@link NettyHttpHook} and {@link NettyHttp2Hook}, defined in Netty's loader.
 */
public final class NettyRequestTarget {
    final String scheme;
    final String host;
    final int port;
    final String path;

    private NettyRequestTarget(String scheme, String host, int port, String path) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.path = path;
    }

    /** @return null when the request names no URL to match ({@code *}, a CONNECT's authority) */
    static NettyRequestTarget of(ChannelHandlerContext ctx, String uri, CharSequence authorityValue) {
        if (!uri.startsWith("/")) {
            if (uri.regionMatches(true, 0, "http://", 0, 7) || uri.regionMatches(true, 0, "https://", 0, 8)) {
                URI absolute = URI.create(uri);
                return new NettyRequestTarget(absolute.getScheme(), absolute.getHost(), absolute.getPort(),
                        absolute.getRawPath());
            }
            return null;
        }
        int end = uri.length();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        String scheme = ctx.pipeline().get(SslHandler.class) != null ? "https" : "http";
        String authority = authorityValue == null ? null : authorityValue.toString();
        String host;
        int port = -1;
        if (authority != null && !authority.isEmpty()) {
            int colon = authority.lastIndexOf(':');
            if (colon > authority.lastIndexOf(']')) {
                host = authority.substring(0, colon);
                port = Integer.parseInt(authority.substring(colon + 1));
            } else {
                host = authority;
            }
        } else {
            SocketAddress remote = ctx.channel().remoteAddress();
            if (!(remote instanceof InetSocketAddress)) {
                return null;
            }
            host = ((InetSocketAddress) remote).getHostString();
            port = ((InetSocketAddress) remote).getPort();
        }
        return new NettyRequestTarget(scheme, host, port, uri.substring(0, end));
    }
}
