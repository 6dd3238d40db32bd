package dev.yoq.proxy.http;

import dev.yoq.proxy.config.EdgeConfig;
import dev.yoq.proxy.route.RouteTable;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One configuration ready to serve: the routes as a {@link RouteTable}, a TLS context per certificate domain (and
 * the one for clients without SNI), and the HTTP/2 idle timeout; all computed once, not per connection.
 * Immutable; a request keeps the snapshot it started with while a newer one takes the next requests.
 */
public record EdgeSnapshot(EdgeConfig config, RouteTable routes, Map<String, SslContext> tls, SslContext defaultTls, long h2IdleMs) {

    /** A certificate that does not load is left out (logged, naming the domain) rather than failing the whole config. */
    public static EdgeSnapshot of(EdgeConfig config, Consumer<String> log) {
        Map<String, SslContext> tls = new HashMap<>();
        for (EdgeConfig.Certificate c : config.certificates()) {
            try {
                tls.put(c.domain().toLowerCase(Locale.ROOT), context(c, config.listeners().tls12(), config.peerCa()));
            } catch (Exception | LinkageError e) {
                log.accept("certificate for " + c.domain() + " not loaded: " + e.getMessage());
            }
        }
        // for clients that send no SNI: the first domain's certificate (sorted); null with none
        SslContext first = tls.isEmpty() ? null : tls.get(new java.util.TreeSet<>(tls.keySet()).first());
        // how long an HTTP/2 connection may sit idle: the longest http2_idle_timeout_ms of the routes (30 s without)
        long h2Idle = config.routes().stream().mapToLong(EdgeConfig.Route::http2IdleTimeoutMs).max().orElse(30_000);
        return new EdgeSnapshot(config, new RouteTable(config.routes()), Map.copyOf(tls), first, h2Idle);
    }

    static SslContext context(EdgeConfig.Certificate c, boolean tls12) throws Exception {
        return context(c, tls12, null);
    }

    /**
     * A domain a service with tls.peer warn or require is served on asks for a client certificate and verifies one
     * against the service CA (a certificate of another CA fails the handshake). It only asks: each request is then
     * held to the posture of the services its route reaches ({@code ProxyHandler}), so one domain can carry
     * services of different postures. Without the CA (not made yet) the domain is left out: it fails closed.
     */
    static SslContext context(EdgeConfig.Certificate c, boolean tls12, String peerCa) throws Exception {
        SslContextBuilder b = SslContextBuilder.forServer(
                        new ByteArrayInputStream(c.certPem().getBytes(StandardCharsets.US_ASCII)),
                        new ByteArrayInputStream(c.keyPem().getBytes(StandardCharsets.US_ASCII)));
        if (!"off".equals(c.peer())) {
            b.clientAuth(io.netty.handler.ssl.ClientAuth.OPTIONAL);
            if (peerCa == null) throw new IllegalStateException("tls.peer is " + c.peer() + " but there is no service CA to verify clients with yet");
            b.trustManager((java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(peerCa.getBytes(StandardCharsets.US_ASCII))));
        }
        return b
                .sslProvider(SslProvider.JDK)
                .protocols(tls12 ? new String[] {"TLSv1.3", "TLSv1.2"} : new String[] {"TLSv1.3"})
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
    }

    /** The context for an SNI name: exact, then a wildcard one label up; null when none covers it. */
    public SslContext tlsFor(String serverName) {
        if (serverName == null) return null;
        String name = serverName.toLowerCase(Locale.ROOT);
        SslContext exact = tls.get(name);
        if (exact != null) return exact;
        int dot = name.indexOf('.');
        return dot < 0 ? null : tls.get("*" + name.substring(dot));
    }

    public boolean hasCertificate(String host) {
        return tlsFor(host) != null;
    }
}
