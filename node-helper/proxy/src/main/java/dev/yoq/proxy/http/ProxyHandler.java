package dev.yoq.proxy.http;

import dev.yoq.proxy.config.EdgeConfig.Route;
import dev.yoq.proxy.route.RouteTable;
import dev.yoq.proxy.route.WeightedChoice;
import java.util.Set;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One whole request on a connection (HTTP/1.1) or a stream (HTTP/2): the listener's own answers first (ACME tokens
 * and the HTTPS redirect on the ACME listener, the loop check), then route selection and the {@link Forwarder}.
 * An HTTP/1.1 connection reads its next request only after this one's answer is written (no pipelining races,
 * one request's memory at a time).
 */
final class ProxyHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String ACME_PREFIX = "/.well-known/acme-challenge/";
    private final Edge edge;

    ProxyHandler(Edge edge) {
        super(false);
        this.edge = edge;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        long started = System.nanoTime();
        edge.stats.all.request();
        boolean h1 = !(ctx.channel() instanceof Http2StreamChannel);
        if (h1) {
            ctx.channel().config().setAutoRead(false);
            ctx.pipeline().fireUserEventTriggered(ConnectionGuard.REQUEST_READ);
        }
        if (!req.decoderResult().isSuccess()) {
            edge.stats.limitBreaches.increment();
            Throwable cause = req.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
            req.release();
            write(ctx, Responses.closing(Responses.error(status, status.code() == 431 ? "request header too large" : "malformed request")), false, started, null, null);
            return;
        }
        EdgeSnapshot snapshot = edge.snapshot();
        String hostHeader = req.headers().get(HttpHeaderNames.HOST);
        String host = RouteTable.hostOnly(hostHeader);
        String path = new QueryStringDecoder(req.uri()).path();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        Edge.Listener listener = Edge.listener(ctx.channel());
        FullHttpResponse own = ownAnswer(snapshot, listener, req, host, hostHeader, path);
        if (own != null) {
            req.release();
            write(ctx, own, keepAlive, started, req, null);
            return;
        }
        Route route = snapshot.routes().select(hostHeader, path, req.method().name(), req.headers()::get);
        if (route == null) {
            edge.stats.notFound.increment();
            req.release();
            write(ctx, Responses.error(HttpResponseStatus.NOT_FOUND, Responses.ROUTE_NOT_FOUND), keepAlive, started, req, null);
            return;
        }
        String peer = strictestPeer(snapshot.config(), route);
        String peerService = "off".equals(peer) ? null : Edge.verifiedPeer(ctx.channel());
        if (!"off".equals(peer) && peerService == null) {
            edge.stats.peerUnverified.increment();
            if ("require".equals(peer)) {   // plain HTTP, or TLS without a certificate the service CA signed
                req.release();
                write(ctx, Responses.error(HttpResponseStatus.FORBIDDEN, Responses.PEER_REQUIRED), keepAlive, started, req, route.key());
                return;
            }
        }
        String scheme = listener == Edge.Listener.HTTPS ? "https" : "http";
        var info = new Forwarder.RequestInfo(host, hostHeader, scheme, Edge.clientAddress(ctx.channel()), peerService);
        HttpMethod method = req.method();
        String uri = req.uri();
        if (h1 && WebSocketTunnel.isUpgrade(req)) {
            tunnel(ctx, snapshot, route, req, info, started);
            return;
        }
        new Forwarder(edge, snapshot, route, req, info, ctx.channel().eventLoop(), outcome -> {
            FullHttpResponse r = clientResponse(outcome.response(), method);
            edge.stats.route(route.key()).traffic.response(r.status().code(), System.nanoTime() - started);
            edge.stats.all.response(r.status().code(), System.nanoTime() - started);
            log(ctx, method.name(), hostHeader, uri, r.status().code(), started, route.key(), outcome);
            writeResponse(ctx, r, keepAlive);
        }).start();
    }

    /** A WebSocket upgrade: to one replica of the weighted backend, then bytes both ways (HTTP/1.1 only). */
    private void tunnel(ChannelHandlerContext ctx, EdgeSnapshot snapshot, Route route, FullHttpRequest req,
                        Forwarder.RequestInfo info, long started) {
        var traffic = edge.stats.route(route.key());
        traffic.traffic.request();
        var backend = WeightedChoice.choose(route.backends(), req.method().name(), info.host(), req.uri(), 0);
        String endpoint = edge.endpoints.pick(backend.service(), snapshot.config().upstreams().get(backend.service()),
                route.circuitBreakerTimeoutMs(), Set.of());
        if (endpoint == null) {
            edge.stats.noUpstream.increment();
            req.release();
            write(ctx, Responses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, Responses.NO_UPSTREAM), true, started, req, route.key());
            return;
        }
        traffic.backend(backend.service()).request();
        log(ctx, req.method().name(), info.hostHeader(), req.uri(), 101, started, route.key(), new Forwarder.Outcome(null, backend.service(), endpoint, 1));
        WebSocketTunnel.open(ctx, req, endpoint, route.connectTimeoutMs(),
                refused -> writeResponse(ctx, clientResponse(refused, req.method()), false),
                e -> Forwarder.upstreamRequest(route, req, info, e));
    }

    /**
     * The strictest tls.peer of every service the route can reach: its own, each weighted backend and the mirror, so
     * no route of a relaxed service carries a caller without a certificate to one that requires it.
     */
    static String strictestPeer(dev.yoq.proxy.config.EdgeConfig config, Route route) {
        String strictest = config.peer(route.service());
        java.util.List<String> reached = new java.util.ArrayList<>();
        route.backends().forEach(b -> reached.add(b.service()));
        if (route.mirror() != null) reached.add(route.mirror());
        for (String service : reached) {
            String p = config.peer(service);
            if ("require".equals(p) || ("warn".equals(p) && "off".equals(strictest))) strictest = p;
        }
        return strictest;
    }

    /** The ACME listener's answers and the loop check; null when the request is to be routed. */
    private FullHttpResponse ownAnswer(EdgeSnapshot snapshot, Edge.Listener listener, FullHttpRequest req, String host,
                                       String hostHeader, String path) {
        if (listener == Edge.Listener.ACME && path.startsWith(ACME_PREFIX)) {
            String answer = snapshot.config().challenges().get(path.substring(ACME_PREFIX.length()));
            if (answer == null) return Responses.error(HttpResponseStatus.NOT_FOUND, "unknown challenge token");
            edge.stats.challenges.increment();
            return Responses.text(HttpResponseStatus.OK, answer);
        }
        if (listener == Edge.Listener.ACME && snapshot.config().listeners().https() > 0 && snapshot.hasCertificate(host)) {
            edge.stats.redirects.increment();
            int port = snapshot.config().listeners().https();
            return Responses.redirect("https://" + host + (port == 443 ? "" : ":" + port) + req.uri());
        }
        if (req.headers().contains(Headers.LOOP_MARKER)) {
            edge.stats.loopRejections.increment();
            return Responses.error(HttpResponseStatus.valueOf(508), Responses.LOOP);
        }
        return null;
    }

    private static FullHttpResponse clientResponse(FullHttpResponse upstream, HttpMethod method) {
        FullHttpResponse r = upstream.replace(upstream.content());
        r.headers().clear();
        Headers.copyEndToEnd(upstream.headers(), r.headers());
        r.trailingHeaders().set(upstream.trailingHeaders());
        if (!upstream.trailingHeaders().isEmpty()) {
            r.headers().remove(HttpHeaderNames.CONTENT_LENGTH);   // a body with trailers (gRPC): framed by the protocol
        } else if (method.equals(HttpMethod.HEAD)) {
            String length = upstream.headers().get(HttpHeaderNames.CONTENT_LENGTH);
            if (length != null) r.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
        } else {
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        }
        return r;
    }

    private void write(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive, long started, FullHttpRequest req, String route) {
        edge.stats.all.response(r.status().code(), System.nanoTime() - started);
        if (req != null) log(ctx, req.method().name(), req.headers().get(HttpHeaderNames.HOST), req.uri(), r.status().code(), started, route, null);
        writeResponse(ctx, r, keepAlive);
    }

    private void writeResponse(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        boolean h1 = !(ctx.channel() instanceof Http2StreamChannel);
        if (h1) {
            boolean close = !keepAlive || HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(r.headers().get(HttpHeaderNames.CONNECTION, ""));
            if (!r.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) HttpUtil.setTransferEncodingChunked(r, true);   // trailers
            if (close) r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            else r.headers().remove(HttpHeaderNames.CONNECTION);
            ctx.writeAndFlush(r).addListener((ChannelFutureListener) f -> {
                if (close || !f.isSuccess()) {
                    f.channel().close();
                } else {
                    f.channel().config().setAutoRead(true);
                    f.channel().pipeline().fireUserEventTriggered(ConnectionGuard.RESPONSE_DONE);
                }
            });
        } else {
            ctx.writeAndFlush(r);
        }
    }

    private void log(ChannelHandlerContext ctx, String method, String host, String uri, int status, long started,
                     String route, Forwarder.Outcome outcome) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("time", java.time.Instant.now().toString());
        e.put("client", Edge.clientAddress(ctx.channel()));
        e.put("proto", ctx.channel() instanceof Http2StreamChannel ? "h2" : "http/1.1");
        e.put("method", method);
        e.put("host", host);
        e.put("uri", uri.length() > 2048 ? uri.substring(0, 2048) : uri);
        e.put("status", status);
        e.put("duration_ms", (System.nanoTime() - started) / 1_000_000.0);
        if (route != null) e.put("route", route);
        if (outcome != null) {
            e.put("backend", outcome.backend());
            e.put("upstream", outcome.endpoint());
            e.put("attempts", outcome.attempts());
        }
        edge.accessLog.log(e);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a client resetting its connection is ordinary traffic, not worth a log line each (the bench saw hundreds)
        if (!(cause instanceof java.io.IOException)) edge.log.accept("connection from " + Edge.clientAddress(ctx.channel()) + ": " + cause);
        ctx.close();
    }
}
