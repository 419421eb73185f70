package com.example.vendor;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.CharsetUtil;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.http.HttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/**
 * A vendor SDK's code, compiled against the clients' own names and shipped with them relocated: one GET per URL
 * through the client named first ({@code apache4}, {@code apache5}, {@code apache5-async}, {@code okhttp},
 * {@code netty}). Prints {@code STATUS <code> <body>} or {@code ERROR <exception class>: <message>} per request.
 */
public final class VendorApp {

    public static void main(String[] args) throws Exception {
        String client = args[0];
        for (int i = 1; i < args.length; i++) {
            String line;
            try {
                line = get(client, args[i]);
            } catch (Exception e) {
                line = "ERROR " + e.getClass().getName() + ": " + e.getMessage();
            }
            System.out.println(line);
        }
    }

    private static String get(String client, String url) throws Exception {
        if (client.equals("apache4")) {
            try (CloseableHttpClient http = HttpClients.createDefault()) {
                HttpResponse response = http.execute(new HttpGet(url));
                return "STATUS " + response.getStatusLine().getStatusCode() + " "
                        + org.apache.http.util.EntityUtils.toString(response.getEntity());
            }
        }
        if (client.equals("apache5")) {
            try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient http =
                    org.apache.hc.client5.http.impl.classic.HttpClients.createDefault()) {
                return http.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(url),
                        (ClassicHttpResponse r) -> "STATUS " + r.getCode() + " " + EntityUtils.toString(r.getEntity()));
            }
        }
        if (client.equals("apache5-async")) {
            try (CloseableHttpAsyncClient http = HttpAsyncClients.createDefault()) {
                http.start();
                SimpleHttpRequest request = SimpleRequestBuilder.get(url).build();
                SimpleHttpResponse response = http.execute(request, null).get(30, TimeUnit.SECONDS);
                return "STATUS " + response.getCode() + " " + response.getBodyText();
            }
        }
        if (client.equals("okhttp")) {
            OkHttpClient http = new OkHttpClient();
            try (Response response = http.newCall(new Request.Builder().url(url).build()).execute()) {
                return "STATUS " + response.code() + " " + response.body().string();
            } finally {
                http.dispatcher().executorService().shutdown();
                http.connectionPool().evictAll();
            }
        }
        if (client.equals("netty")) {
            return nettyGet(URI.create(url));
        }
        throw new IllegalArgumentException("no client " + client);
    }

    private static String nettyGet(URI uri) throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            CompletableFuture<String> line = new CompletableFuture<>();
            Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                                    new SimpleChannelInboundHandler<FullHttpResponse>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                            line.complete("STATUS " + r.status().code() + " "
                                                    + r.content().toString(CharsetUtil.UTF_8));
                                        }

                                        @Override
                                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
                                            line.complete("ERROR " + e.getClass().getName() + ": " + e.getMessage());
                                        }
                                    });
                        }
                    }).connect(uri.getHost(), uri.getPort()).sync().channel();
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                    uri.getRawPath(), Unpooled.EMPTY_BUFFER);
            request.headers().set(HttpHeaderNames.HOST, uri.getHost() + ":" + uri.getPort());
            channel.writeAndFlush(request).addListener(f -> {
                if (!f.isSuccess()) {
                    line.complete("ERROR " + f.cause().getClass().getName() + ": " + f.cause().getMessage());
                }
            });
            String result = line.get(30, TimeUnit.SECONDS);
            channel.close().sync();
            return result;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
