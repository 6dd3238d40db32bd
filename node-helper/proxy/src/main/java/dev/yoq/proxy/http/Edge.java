package dev.yoq.proxy.http;

import dev.yoq.proxy.route.Endpoints;
import dev.yoq.proxy.stats.AccessLog;
import dev.yoq.proxy.stats.ProxyStats;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** What every connection shares: the current snapshot, endpoint circuits, the upstream pool, counters, the log. */
public final class Edge {
    /** Which listener accepted a connection. */
    public enum Listener { HTTP, HTTPS, ACME }

    static final AttributeKey<Listener> LISTENER = AttributeKey.valueOf("yoq.listener");

    final AtomicReference<EdgeSnapshot> current;
    final Endpoints endpoints;
    final UpstreamPool pool;
    final ProxyStats stats;
    final AccessLog accessLog;
    final Consumer<String> log;

    public Edge(EdgeSnapshot first, Endpoints endpoints, UpstreamPool pool, ProxyStats stats, AccessLog accessLog, Consumer<String> log) {
        this.current = new AtomicReference<>(first);
        this.endpoints = endpoints;
        this.pool = pool;
        this.stats = stats;
        this.accessLog = accessLog;
        this.log = log;
    }

    public EdgeSnapshot snapshot() {
        return current.get();
    }

    public ProxyStats stats() {
        return stats;
    }

    /** The listener of a connection or of an HTTP/2 stream (its parent connection's). */
    static Listener listener(Channel ch) {
        for (Channel c = ch; c != null; c = c.parent()) {
            Listener l = c.attr(LISTENER).get();
            if (l != null) return l;
        }
        return Listener.HTTP;
    }

    /**
     * The service a client's certificate names (its SPIFFE URI's last part) when the connection's TLS handshake
     * verified one against the service CA; null on plain HTTP, without a certificate, or on a context that asks none.
     */
    static String verifiedPeer(Channel ch) {
        Channel c = ch;
        while (c.parent() != null && c.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null) c = c.parent();
        io.netty.handler.ssl.SslHandler ssl = c.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        if (ssl == null) return null;
        try {
            java.security.cert.Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return chain.length == 0 ? null : PeerIdentity.service((java.security.cert.X509Certificate) chain[0]);
        } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
            return null;
        }
    }

    /** The client's address as seen on the connection (an HTTP/2 stream asks its parent). */
    static String clientAddress(Channel ch) {
        Channel c = ch;
        while (c.parent() != null && !(c.remoteAddress() instanceof java.net.InetSocketAddress)) c = c.parent();
        if (c.remoteAddress() instanceof java.net.InetSocketAddress a) return a.getAddress().getHostAddress();
        return "";
    }
}
