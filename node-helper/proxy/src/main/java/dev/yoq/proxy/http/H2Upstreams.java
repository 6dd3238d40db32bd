package dev.yoq.proxy.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.concurrent.Promise;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/2 (prior-knowledge h2c) to upstream endpoints, for gRPC: one connection per endpoint, one stream per
 * request, trailers kept (grpc-status travels in them). A connection that ends is replaced on the next request.
 */
final class H2Upstreams {
    private final Map<String, Promise<Channel>> connections = new ConcurrentHashMap<>();
    private final Class<? extends SocketChannel> channelClass;
    private final int maxResponseBytes;

    H2Upstreams(Class<? extends SocketChannel> channelClass, int maxResponseBytes) {
        this.channelClass = channelClass;
        this.maxResponseBytes = maxResponseBytes;
    }

    void send(EventLoop loop, String address, FullHttpRequest request, long connectMs, long requestMs, Promise<FullHttpResponse> result) {
        request.headers().set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), "http");
        connection(loop, address, connectMs).addListener(f -> {
            if (!f.isSuccess()) {
                request.release();
                result.tryFailure(new UpstreamPool.UpstreamException("connect to " + address + ": " + f.cause().getMessage(), false, false, f.cause()));
                return;
            }
            Channel parent = (Channel) f.getNow();
            new Http2StreamChannelBootstrap(parent).handler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), new HttpObjectAggregator(maxResponseBytes),
                            new Answer(result));
                }
            }).open().addListener(s -> {
                if (!s.isSuccess()) {
                    request.release();
                    connections.remove(address, f);
                    result.tryFailure(new UpstreamPool.UpstreamException("open a stream to " + address + ": " + s.cause().getMessage(), false, false, s.cause()));
                    return;
                }
                Http2StreamChannel stream = (Http2StreamChannel) s.getNow();
                var timeout = stream.eventLoop().schedule(() -> {
                    if (result.tryFailure(new UpstreamPool.UpstreamException("no answer from " + address + " within " + requestMs + " ms", true, false, null))) stream.close();
                }, requestMs, TimeUnit.MILLISECONDS);
                result.addListener(x -> {
                    timeout.cancel(false);
                    stream.close();
                });
                stream.writeAndFlush(request).addListener(w -> {
                    if (!w.isSuccess()) result.tryFailure(new UpstreamPool.UpstreamException("send to " + address + ": " + w.cause().getMessage(), false, false, w.cause()));
                });
            });
        });
    }

    private Promise<Channel> connection(EventLoop loop, String address, long connectMs) {
        Promise<Channel> existing = connections.get(address);
        if (existing != null && (!existing.isDone() || (existing.isSuccess() && existing.getNow().isActive()))) return existing;
        Promise<Channel> fresh = loop.newPromise();
        java.net.InetSocketAddress to;
        try {
            to = Headers.address(address);
        } catch (RuntimeException e) {
            return fresh.setFailure(new IllegalArgumentException("bad upstream address " + address, e));
        }
        connections.put(address, fresh);
        new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectMs))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect(to)
                .addListener((ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        f.channel().closeFuture().addListener(c -> connections.remove(address, fresh));
                        fresh.trySuccess(f.channel());
                    } else {
                        connections.remove(address, fresh);
                        fresh.tryFailure(f.cause());
                    }
                });
        return fresh;
    }

    void retain(java.util.Set<String> addresses) {
        connections.entrySet().removeIf(e -> {
            if (addresses.contains(e.getKey())) return false;
            if (e.getValue().isSuccess()) e.getValue().getNow().close();
            return true;
        });
    }

    /** One stream's whole answer (headers, body, trailers). */
    private static final class Answer extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Promise<FullHttpResponse> result;

        Answer(Promise<FullHttpResponse> result) {
            super(false);
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
            if (!result.trySuccess(msg)) msg.release();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.tryFailure(new UpstreamPool.UpstreamException("upstream reset the stream", false, false, null));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.tryFailure(new UpstreamPool.UpstreamException("upstream: " + cause.getMessage(), false,
                    cause instanceof io.netty.handler.codec.DecoderException, cause));
            ctx.close();
        }
    }
}
