package dev.yoq.proxy.http;

import dev.yoq.proxy.config.EdgeConfig.Limits;
import dev.yoq.proxy.stats.ProxyStats;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * First in every accepted connection's pipeline: the connection limit, and the clocks that keep a client from
 * holding the proxy for free. Idle between requests: closed after the idle timeout. Reading a request: the whole
 * request (head and body) must arrive within the read timeout from its first byte, however slowly it trickles
 * (slowloris gets a 408 and a close; under TLS the first request may also take the handshake's 10 s). Busy (the request is upstream): no clock here, the route's timeouts apply.
 * Once the connection speaks HTTP/2 only the idle clock remains, reset by any frame.
 */
final class ConnectionGuard extends ChannelDuplexHandler {
    /** Fired by the request handler: a whole request was read / its answer is written. */
    static final Object REQUEST_READ = "yoq.request-read", RESPONSE_DONE = "yoq.response-done";
    private static final String TIMEOUT_BODY = "{\"error\":\"request read timed out\"}";
    private static final byte[] TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + "Content-Length: " + TIMEOUT_BODY.length() + "\r\n\r\n" + TIMEOUT_BODY).getBytes(StandardCharsets.US_ASCII);

    private enum State { IDLE, READING, BUSY, H2 }

    private final ProxyStats stats;
    private final Limits limits;
    private final long h2IdleMs;
    private final boolean plain;
    /** Under TLS the first request's clock also covers the handshake (SslHandler's own 10 s limit). */
    static final long HANDSHAKE_ALLOWANCE_MS = 10_000;
    private boolean firstRequest = true;
    private State state = State.IDLE;
    private ScheduledFuture<?> clock;
    private boolean counted;
    private ChannelHandlerContext ctx;

    /** plain: the connection is not TLS, so a 408 can be written as is (under TLS the guard only closes). */
    ConnectionGuard(ProxyStats stats, Limits limits, long h2IdleMs, boolean plain) {
        this.plain = plain;
        this.stats = stats;
        this.limits = limits;
        this.h2IdleMs = h2IdleMs;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        stats.accepted.increment();
        counted = true;
        if (stats.active.incrementAndGet() > limits.maxConnections()) {
            stats.refused.increment();
            ctx.close();
            return;
        }
        arm(ctx, limits.idleTimeoutMs(), false);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (counted) stats.active.decrementAndGet();
        counted = false;
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (state == State.IDLE) {
            state = State.READING;
            arm(ctx, limits.requestReadTimeoutMs() + (plain || !firstRequest ? 0 : HANDSHAKE_ALLOWANCE_MS), true);
        } else if (state == State.H2) {
            arm(ctx, h2IdleMs, false);
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == REQUEST_READ && state != State.H2) {
            state = State.BUSY;
            cancel();
        } else if (evt == RESPONSE_DONE && state != State.H2) {
            state = State.IDLE;
            firstRequest = false;
            arm(ctx, limits.idleTimeoutMs(), false);
        }
        super.userEventTriggered(ctx, evt);
    }

    /** The connection now speaks HTTP/2: only the idle clock remains. */
    void h2() {
        ctx.executor().execute(() -> {
            state = State.H2;
            arm(ctx, h2IdleMs, false);
        });
    }

    private void arm(ChannelHandlerContext ctx, long ms, boolean reading) {
        cancel();
        clock = ctx.executor().schedule(() -> expire(ctx, reading), ms, TimeUnit.MILLISECONDS);
    }

    private void expire(ChannelHandlerContext ctx, boolean reading) {
        if (reading && state == State.READING) {
            stats.limitBreaches.increment();
            if (plain) ctx.writeAndFlush(Unpooled.wrappedBuffer(TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
            else ctx.close();
        } else if (state == State.IDLE || state == State.H2) {
            ctx.close();
        }
    }

    private void cancel() {
        if (clock != null) clock.cancel(false);
        clock = null;
    }
}
