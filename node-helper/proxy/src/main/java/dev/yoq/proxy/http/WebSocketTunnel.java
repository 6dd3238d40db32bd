package dev.yoq.proxy.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A WebSocket upgrade passed through (HTTP/1.1 clients): the request goes to the chosen replica on a connection of
 * its own; when it answers 101, both connections drop their HTTP codecs and bytes flow both ways until either end
 * closes; any other answer is returned to the client as is. Frames are not inspected.
 */
final class WebSocketTunnel {
    private WebSocketTunnel() {}

    static boolean isUpgrade(FullHttpRequest req) {
        return "websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE, ""))
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /**
     * Opens the tunnel; {@code failed} gets the answer for the client when the upstream refused or could not be
     * reached (the request is released either way).
     */
    static void open(ChannelHandlerContext client, FullHttpRequest req, String endpoint, long connectMs,
                     Consumer<FullHttpResponse> failed, java.util.function.Function<String, FullHttpRequest> upstreamRequest) {
        InetSocketAddress to = Headers.address(endpoint);
        FullHttpRequest up = upstreamRequest.apply(endpoint);
        up.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE).set(HttpHeaderNames.UPGRADE, req.headers().get(HttpHeaderNames.UPGRADE));
        req.release();
        Upstream handler = new Upstream(client, failed);
        new Bootstrap().group(client.channel().eventLoop()).channel(client.channel() instanceof io.netty.channel.epoll.EpollSocketChannel
                        ? io.netty.channel.epoll.EpollSocketChannel.class : io.netty.channel.socket.nio.NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectMs))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024), handler);
                    }
                })
                .connect(to).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        up.release();
                        failed.accept(Responses.error(HttpResponseStatus.BAD_GATEWAY, "upstream connection failed"));
                        return;
                    }
                    f.channel().writeAndFlush(up);
                });
    }

    /** The upstream side: waits for the answer to the upgrade, then relays. */
    private static final class Upstream extends ChannelInboundHandlerAdapter {
        private final ChannelHandlerContext client;
        private final Consumer<FullHttpResponse> failed;
        private final List<Object> early = new ArrayList<>();
        private boolean upgraded, switched, refused;

        Upstream(ChannelHandlerContext client, Consumer<FullHttpResponse> failed) {
            this.client = client;
            this.failed = failed;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (switched) {
                client.channel().writeAndFlush(msg);
            } else if (!upgraded && msg instanceof FullHttpResponse r && r.status().code() == 101) {
                upgraded = true;
                switchToBytes(ctx, r);
            } else if (!upgraded && msg instanceof FullHttpResponse r) {
                refused = true;
                failed.accept(r);
                ctx.close();
            } else if (msg instanceof ByteBuf) {
                early.add(msg);   // frames sent right behind the 101, until the client side has dropped its codec
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        private void switchToBytes(ChannelHandlerContext upstream, FullHttpResponse r) {
            upstream.channel().config().setAutoRead(false);
            FullHttpResponse answer = new io.netty.handler.codec.http.DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status());
            answer.headers().set(r.headers());
            r.release();
            client.channel().writeAndFlush(answer).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    upstream.close();
                    return;
                }
                Channel c = client.channel();
                stripHttp(c);
                c.pipeline().addLast(new Relay(upstream.channel()));
                upstream.pipeline().remove(HttpObjectAggregator.class);
                upstream.pipeline().remove(HttpClientCodec.class);
                upstream.pipeline().addLast(new Relay(c));
                upstream.pipeline().remove(this);
                early.forEach(c::write);
                c.flush();
                early.clear();
                switched = true;
                c.config().setAutoRead(true);
                upstream.channel().config().setAutoRead(true);
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            early.forEach(ReferenceCountUtil::release);
            early.clear();
            if (upgraded) client.close();
            else if (!refused) failed.accept(Responses.error(HttpResponseStatus.BAD_GATEWAY, Responses.INVALID_UPSTREAM));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Everything HTTP goes from the client's pipeline (the guard stays: it counts the connection). */
    private static void stripHttp(Channel c) {
        for (String name : new ArrayList<>(c.pipeline().names())) {
            ChannelHandler h = c.pipeline().get(name);
            if (h == null || h instanceof ConnectionGuard) continue;
            String type = h.getClass().getName();
            if (type.startsWith("io.netty.handler.codec.http") || h instanceof ProxyHandler) c.pipeline().remove(h);
        }
    }

    /** Bytes from one side written to the other; either end closing closes both. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel other;

        Relay(Channel other) {
            this.other = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            other.writeAndFlush(msg);
            if (!other.isWritable()) ctx.channel().config().setAutoRead(false);   // the slow side sets the pace
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) other.config().setAutoRead(true);
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            other.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
