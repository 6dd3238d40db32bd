package dev.yoq.proxy.http;

import dev.yoq.proxy.config.EdgeConfig.Limits;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import javax.net.ssl.SSLHandshakeException;

/**
 * The pipelines of accepted connections. Plain listeners speak HTTP/1.1, prior-knowledge h2c and
 * {@code Upgrade: h2c}; the TLS listener picks its certificate by SNI and then HTTP/2 or HTTP/1.1 by ALPN. Either
 * way each request reaches a {@link ProxyHandler} whole (HTTP/2 streams each get their own, converted to HTTP/1
 * objects), within the body limit (413 beyond it).
 */
final class Frontends {
    private Frontends() {}

    static ChannelInitializer<SocketChannel> plain(Edge edge, Edge.Listener which) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.attr(Edge.LISTENER).set(which);
                EdgeSnapshot snapshot = edge.snapshot();
                Limits limits = snapshot.config().limits();
                ConnectionGuard guard = new ConnectionGuard(edge.stats, limits, snapshot.h2IdleMs(), true);
                HttpServerCodec codec = codec(limits);
                HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, protocol ->
                        AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                                ? new Http2ServerUpgradeCodec(h2Codec(limits), multiplex(edge), new H2Started(guard)) : null,
                        limits.maxBodyBytes());
                ChannelHandler priorKnowledge = new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(h2Codec(limits), multiplex(edge), new H2Started(guard));
                    }
                };
                ch.pipeline().addLast(guard, new CleartextHttp2ServerUpgradeHandler(codec, upgrade, priorKnowledge),
                        new HttpObjectAggregator(limits.maxBodyBytes()), new ProxyHandler(edge));
            }
        };
    }

    static ChannelInitializer<SocketChannel> tls(Edge edge) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.attr(Edge.LISTENER).set(Edge.Listener.HTTPS);
                EdgeSnapshot snapshot = edge.snapshot();
                Limits limits = snapshot.config().limits();
                ConnectionGuard guard = new ConnectionGuard(edge.stats, limits, snapshot.h2IdleMs(), false);
                ch.pipeline().addLast(guard, new SniHandler(new Certificates(edge)), new Alpn(edge, guard, limits));
            }
        };
    }

    private static HttpServerCodec codec(Limits limits) {
        return new HttpServerCodec(8192, limits.maxHeaderBytes(), 16 * 1024);
    }

    static Http2FrameCodec h2Codec(Limits limits) {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(limits.maxH2Streams())
                        .maxHeaderListSize(limits.maxH2HeaderListBytes()))
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(200, 30)   // rapid reset (CVE-2023-44487)
                .build();
    }

    static Http2MultiplexHandler multiplex(Edge edge) {
        return new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new HttpObjectAggregator(edge.snapshot().config().limits().maxBodyBytes()), new ProxyHandler(edge));
            }
        });
    }

    /** Tells the connection's guard it speaks HTTP/2 now, then steps aside. */
    private static final class H2Started extends io.netty.channel.ChannelHandlerAdapter {
        private final ConnectionGuard guard;

        H2Started(ConnectionGuard guard) {
            this.guard = guard;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            guard.h2();
            ctx.pipeline().remove(this);
        }
    }

    /** After the TLS handshake: h2 or HTTP/1.1 by ALPN (HTTP/1.1 when the client offered none). */
    private static final class Alpn extends ApplicationProtocolNegotiationHandler {
        private final Edge edge;
        private final ConnectionGuard guard;
        private final Limits limits;

        Alpn(Edge edge, ConnectionGuard guard, Limits limits) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.edge = edge;
            this.guard = guard;
            this.limits = limits;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            ChannelPipeline p = ctx.pipeline();
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                p.addLast(h2Codec(limits), multiplex(edge));
                guard.h2();
            } else {
                p.addLast(codec(limits), new HttpObjectAggregator(limits.maxBodyBytes()), new ProxyHandler(edge));
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();   // scanners and wrong names: not worth a log line each
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();   // a name no certificate covers fails the SNI lookup before any handshake
        }
    }

    /**
     * The certificate for an SNI name in the current snapshot: exact, then wildcard; a client without SNI (or with
     * an IP address as its SNI) gets the first domain's; a name nothing covers fails the handshake.
     */
    private static final class Certificates implements AsyncMapping<String, SslContext> {
        private final Edge edge;

        Certificates(Edge edge) {
            this.edge = edge;
        }

        @Override
        public Future<SslContext> map(String name, Promise<SslContext> promise) {
            EdgeSnapshot s = edge.snapshot();
            // no SNI, or an address where a name belongs (wrk, scripts): the default certificate, as HAProxy does
            SslContext ctx = name == null || io.netty.util.NetUtil.isValidIpV4Address(name) || io.netty.util.NetUtil.isValidIpV6Address(name)
                    ? s.defaultTls() : s.tlsFor(name);
            return ctx != null ? promise.setSuccess(ctx)
                    : promise.setFailure(new SSLHandshakeException("no certificate for " + name));
        }
    }
}
