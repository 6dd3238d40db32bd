package dev.yoq.proxy.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Connections to upstream endpoints: gRPC over HTTP/2 ({@link H2Upstreams}), the rest over HTTP/1.1, kept alive and reused (at most {@value #MAX_IDLE} idle per
 * endpoint, closed after {@value #IDLE_MS} ms unused). One request at a time per connection. A reused connection
 * that turns out closed by the upstream before it answered is replaced once, transparently (that is the keep-alive
 * race, not an upstream failure).
 */
public final class UpstreamPool {
    static final int MAX_IDLE = 256;
    static final long IDLE_MS = 60_000;
    private static final AttributeKey<Long> IDLE_SINCE = AttributeKey.valueOf("yoq.idleSince");

    private final Map<String, Deque<Channel>> idle = new ConcurrentHashMap<>();
    private final Class<? extends SocketChannel> channelClass;
    private final int maxResponseBytes;

    private final H2Upstreams h2;

    public UpstreamPool(Class<? extends SocketChannel> channelClass, int maxResponseBytes) {
        this.channelClass = channelClass;
        this.maxResponseBytes = maxResponseBytes;
        this.h2 = new H2Upstreams(channelClass, maxResponseBytes);
    }

    /** gRPC needs HTTP/2 to the upstream (and its trailers); everything else goes over pooled HTTP/1.1. */
    static boolean isGrpc(io.netty.handler.codec.http.HttpRequest request) {
        return request.headers().get(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE, "").startsWith("application/grpc");
    }

    /** Upstream failures that are not an HTTP answer: connect refused/timed out, reset, timeout, bad reply. */
    public static final class UpstreamException extends IOException {
        final boolean timeout, invalid, closedEarly;

        UpstreamException(String message, boolean timeout, boolean invalid, Throwable cause) {
            this(message, timeout, invalid, cause, false);
        }

        /** closedEarly: the connection ended (or refused the write) before any answer: safe to send again. */
        UpstreamException(String message, boolean timeout, boolean invalid, Throwable cause, boolean closedEarly) {
            super(message, cause);
            this.timeout = timeout;
            this.invalid = invalid;
            this.closedEarly = closedEarly;
        }
    }

    /**
     * Sends a request (its reference is taken) to {@code address} ("ip:port"); the promise gets the whole response
     * (the receiver releases it) or an {@link UpstreamException}.
     */
    public void send(EventLoop loop, String address, FullHttpRequest request, long connectMs, long requestMs,
                     Promise<FullHttpResponse> result) {
        if (isGrpc(request)) {
            h2.send(loop, address, request, connectMs, requestMs, result);
            return;
        }
        Channel reused = pollIdle(address);
        if (reused != null) {
            exchange(reused, address, request.retainedDuplicate(), requestMs, loop.newPromise()).addListener(f -> {
                if (f.isSuccess()) {
                    request.release();
                    result.trySuccess((FullHttpResponse) f.getNow());
                } else if (f.cause() instanceof UpstreamException u && u.closedEarly) {
                    connectAndSend(loop, address, request, connectMs, requestMs, result);   // the keep-alive race
                } else {
                    request.release();
                    result.tryFailure(f.cause());
                }
            });
        } else {
            connectAndSend(loop, address, request, connectMs, requestMs, result);
        }
    }

    private void connectAndSend(EventLoop loop, String address, FullHttpRequest request, long connectMs, long requestMs,
                                Promise<FullHttpResponse> result) {
        InetSocketAddress to;
        try {
            to = Headers.address(address);
        } catch (RuntimeException e) {
            request.release();
            result.tryFailure(new UpstreamException("bad upstream address " + address, false, false, e));
            return;
        }
        new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectMs))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // lenient to upstreams only: bare LF ends header lines in CGI output (busybox httpd); clients stay strict
                        var decoder = new io.netty.handler.codec.http.HttpDecoderConfig().setMaxInitialLineLength(8192)
                                .setMaxHeaderSize(64 * 1024).setMaxChunkSize(16 * 1024).setStrictLineParsing(false);
                        ch.pipeline().addLast(new HttpClientCodec(decoder, HttpClientCodec.DEFAULT_PARSE_HTTP_AFTER_CONNECT_REQUEST,
                                HttpClientCodec.DEFAULT_FAIL_ON_MISSING_RESPONSE),
                                new HttpObjectAggregator(maxResponseBytes), new Exchange());
                    }
                })
                .connect(to).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        request.release();
                        result.tryFailure(new UpstreamException("connect to " + address + ": " + f.cause().getMessage(), false, false, f.cause()));
                        return;
                    }
                    exchange(f.channel(), address, request, requestMs, result);
                });
    }

    private Promise<FullHttpResponse> exchange(Channel ch, String address, FullHttpRequest request, long requestMs,
                                               Promise<FullHttpResponse> result) {
        Exchange ex = ch.pipeline().get(Exchange.class);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        ex.begin(result);
        var timeout = ch.eventLoop().schedule(() -> {
            if (result.tryFailure(new UpstreamException("no answer from " + address + " within " + requestMs + " ms", true, false, null))) ch.close();
        }, requestMs, TimeUnit.MILLISECONDS);
        result.addListener(f -> {
            timeout.cancel(false);
            if (f.isSuccess() && keepAlive && HttpUtil.isKeepAlive((FullHttpResponse) f.getNow()) && ch.isActive()) {
                offerIdle(address, ch);
            } else {
                ch.close();
            }
        });
        ch.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) result.tryFailure(new UpstreamException("send to " + address + ": " + f.cause().getMessage(), false, false, f.cause(), true));
        });
        return result;
    }

    private Channel pollIdle(String address) {
        Deque<Channel> q = idle.get(address);
        if (q == null) return null;
        for (Channel ch; (ch = q.pollFirst()) != null; ) {
            Long since = ch.attr(IDLE_SINCE).get();
            if (ch.isActive() && since != null && System.currentTimeMillis() - since < IDLE_MS) return ch;
            ch.close();
        }
        return null;
    }

    private void offerIdle(String address, Channel ch) {
        Deque<Channel> q = idle.computeIfAbsent(address, k -> new ConcurrentLinkedDeque<>());
        if (q.size() >= MAX_IDLE) {
            ch.close();
            return;
        }
        ch.attr(IDLE_SINCE).set(System.currentTimeMillis());
        q.offerFirst(ch);
    }

    /** Idle connections now, for stats. */
    public int idleConnections() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    /** Closes idle connections to endpoints no longer configured. */
    public void retain(java.util.Set<String> addresses) {
        h2.retain(addresses);
        idle.entrySet().removeIf(e -> {
            if (addresses.contains(e.getKey())) return false;
            e.getValue().forEach(Channel::close);
            return true;
        });
    }

    /** The one request in flight on a connection; its answer or the connection's end completes it. */
    static final class Exchange extends SimpleChannelInboundHandler<FullHttpResponse> {
        private Promise<FullHttpResponse> current;
        private boolean answered;

        Exchange() {
            super(false);
        }

        void begin(Promise<FullHttpResponse> p) {
            current = p;
            answered = false;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
            answered = true;
            if (current == null || !msg.decoderResult().isSuccess()) {
                msg.release();
                fail(new UpstreamException("invalid upstream response", false, true, msg.decoderResult().cause()));
                ctx.close();
                return;
            }
            if (!current.trySuccess(msg)) msg.release();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new UpstreamException("upstream closed the connection", false, false, null, !answered));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            boolean invalid = cause instanceof io.netty.handler.codec.DecoderException
                    || cause instanceof io.netty.handler.codec.TooLongFrameException;
            fail(new UpstreamException(invalid ? "invalid upstream response" : "upstream: " + cause.getMessage(), false, invalid, cause));
            ctx.close();
        }

        private void fail(UpstreamException e) {
            if (current != null) current.tryFailure(e);
        }
    }
}
