package dev.yoq.proxy.http;

import dev.yoq.proxy.config.EdgeConfig;
import dev.yoq.proxy.route.Endpoints;
import dev.yoq.proxy.stats.AccessLog;
import dev.yoq.proxy.stats.ProxyStats;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The listeners and the configuration they serve. {@link #apply} swaps the snapshot atomically (requests in flight
 * finish on theirs, open connections stay open) and rebinds only a listener whose port changed; a port that cannot
 * be bound is reported in {@link #status} and the other listeners keep serving.
 */
public final class EdgeServer implements AutoCloseable {
    private final EventLoopGroup boss, workers;
    private final Class<? extends ServerChannel> serverClass;
    private final Edge edge;
    private final Consumer<String> log;
    private final Map<Edge.Listener, Channel> bound = new EnumMap<>(Edge.Listener.class);
    private final Map<Edge.Listener, String> bindErrors = new EnumMap<>(Edge.Listener.class);
    private EdgeConfig.Listeners listeners;
    private final String transport;

    public EdgeServer(int threads, AccessLog accessLog, Consumer<String> log) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.transport = epoll ? "epoll" : "nio";
        this.boss = new MultiThreadIoEventLoopGroup(1, io);
        this.workers = new MultiThreadIoEventLoopGroup(threads, io);
        this.serverClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Class<? extends SocketChannel> client = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        this.log = log;
        EdgeConfig empty = EdgeConfig.EMPTY;
        this.edge = new Edge(EdgeSnapshot.of(empty, log), new Endpoints(System::currentTimeMillis),
                new UpstreamPool(client, 64 * 1024 * 1024), new ProxyStats(), accessLog, log);
    }

    public Edge edge() {
        return edge;
    }

    /** Serves this configuration from now on. */
    public synchronized void apply(EdgeConfig config) {
        edge.current.set(EdgeSnapshot.of(config, log));
        edge.endpoints.retain(config.upstreams());
        Set<String> addresses = new HashSet<>();
        config.upstreams().values().forEach(addresses::addAll);
        edge.pool.retain(addresses);
        if (!config.listeners().equals(listeners)) rebind(config.listeners());
    }

    private void rebind(EdgeConfig.Listeners want) {
        EdgeConfig.Listeners had = listeners;
        listeners = want;
        boolean sameAddress = had != null && had.address().equals(want.address());
        rebind(Edge.Listener.HTTP, sameAddress ? had.http() : -1, want.http(), want, Frontends.plain(edge, Edge.Listener.HTTP));
        rebind(Edge.Listener.ACME, sameAddress ? had.acme() : -1, want.acme(), want, Frontends.plain(edge, Edge.Listener.ACME));
        rebind(Edge.Listener.HTTPS, sameAddress ? had.https() : -1, want.https(), want, Frontends.tls(edge));
    }

    private void rebind(Edge.Listener which, int had, int port, EdgeConfig.Listeners want,
                        ChannelInitializer<SocketChannel> init) {
        // had: the port bound before on the same address, -1 when the address changed (or nothing was bound)
        if (had == port && bound.containsKey(which) && !bindErrors.containsKey(which)) return;
        Channel old = bound.remove(which);
        if (old != null) old.close().syncUninterruptibly();   // open connections stay: only accepting stops
        bindErrors.remove(which);
        if (port <= 0) return;
        try {
            Channel ch = new ServerBootstrap().group(boss, workers).channel(serverClass)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(init)
                    .bind(want.address(), port).syncUninterruptibly().channel();
            bound.put(which, ch);
            log.accept("listening: " + which.name().toLowerCase() + " on " + want.address() + ":" + port);
        } catch (Exception e) {
            bindErrors.put(which, "cannot listen on " + want.address() + ":" + port + ": " + e.getMessage());
            log.accept(bindErrors.get(which));
        }
    }

    /** Listeners (port, bound or the error), configuration generation, transport, open circuits. */
    public synchronized Map<String, Object> status() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("generation", edge.snapshot().config().generation());
        o.put("transport", transport);
        Map<String, Object> ls = new LinkedHashMap<>();
        for (Edge.Listener l : Edge.Listener.values()) {
            Map<String, Object> one = new LinkedHashMap<>();
            int port = listeners == null ? 0 : switch (l) {
                case HTTP -> listeners.http();
                case HTTPS -> listeners.https();
                case ACME -> listeners.acme();
            };
            one.put("port", port);
            one.put("running", bound.containsKey(l));
            one.put("error", bindErrors.get(l));
            ls.put(l.name().toLowerCase(), one);
        }
        o.put("listeners", ls);
        o.put("routes", edge.snapshot().config().routes().size());
        o.put("certificates", List.copyOf(new java.util.TreeSet<>(edge.snapshot().tls().keySet())));
        o.put("circuits", edge.endpoints.openCircuits());
        o.put("upstream_idle_connections", edge.pool.idleConnections());
        return o;
    }

    /** Stops accepting, gives open requests up to {@code drainMs} to finish, then stops. */
    public void drainAndClose(long drainMs) {
        synchronized (this) {
            bound.values().forEach(ch -> ch.close().syncUninterruptibly());
            bound.clear();
        }
        long until = System.currentTimeMillis() + drainMs;
        while (edge.stats.active.get() > 0 && System.currentTimeMillis() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                break;
            }
        }
        close();
    }

    @Override
    public void close() {
        boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }
}
