package dev.yoq.node;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.ContainerState;
import dev.yoq.node.protocol.ExecRequest;
import dev.yoq.node.protocol.ExecResult;
import dev.yoq.node.protocol.HelperError;
import dev.yoq.node.protocol.HelperException;
import dev.yoq.node.protocol.MessageCodec;
import dev.yoq.node.protocol.Wire;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The typed client of the node helper: the only code that talks to its socket. One connection, requests one at
 * a time (calls are synchronized). Helper failures arrive as {@link HelperException} with the helper's code.
 */
public final class NodeClient implements AutoCloseable {
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private final MessageCodec codec = MessageCodec.SHARED;
    private long nextId = 1;
    private final JsonNode hello;
    private volatile java.util.function.Predicate<NodeClient> returnTo;
    private volatile boolean broken;

    private NodeClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.in = new BufferedInputStream(Channels.newInputStream(channel));
        this.out = Channels.newOutputStream(channel);
        this.hello = call(Wire.Op.HELLO, Map.of("version", Wire.VERSION));
    }

    public static NodeClient connect(Path socket) throws IOException {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new IOException("the node helper (yoq-node) is not answering on " + socket + ": " + e.getMessage(), e);
        }
        try {
            return new NodeClient(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The helper's cgroup layout as it reported in the handshake (unified, hybrid or legacy). */
    public String cgroupLayout() { return hello.path("cgroups").asText(); }

    public String helperVersion() { return hello.path("helper").asText(); }

    public ContainerState create(ContainerSpec spec) throws IOException { return call(Wire.Op.CREATE, spec, ContainerState.class); }

    public ContainerState run(ContainerSpec spec) throws IOException { return call(Wire.Op.RUN, spec, ContainerState.class); }

    public ContainerState start(String id) throws IOException { return call(Wire.Op.START, new Wire.IdBody(id), ContainerState.class); }

    public ContainerState stop(String id, long graceMs) throws IOException {
        return call(Wire.Op.STOP, new Wire.StopBody(id, graceMs), ContainerState.class);
    }

    public void kill(String id, int signal) throws IOException { call(Wire.Op.KILL, new Wire.KillBody(id, signal)); }

    public void remove(String id) throws IOException { call(Wire.Op.REMOVE, new Wire.IdBody(id)); }

    /**
     * Exactly these secrets in the container's tmpfs: files (name → value) on /run/secrets, replaced atomically, and
     * environment variables (name → value) for its next start.
     */
    public void secrets(String id, Map<String, byte[]> files, Map<String, byte[]> env) throws IOException {
        call(Wire.Op.SECRETS, new Wire.SecretsBody(id, base64(files), base64(env)));
    }

    private static Map<String, String> base64(Map<String, byte[]> values) {
        Map<String, String> encoded = new java.util.TreeMap<>();
        values.forEach((name, value) -> encoded.put(name, java.util.Base64.getEncoder().encodeToString(value)));
        return encoded;
    }

    public ContainerState get(String id) throws IOException { return call(Wire.Op.GET, new Wire.IdBody(id), ContainerState.class); }

    public List<ContainerState> list() throws IOException {
        return codec.mapper().convertValue(call(Wire.Op.LIST, Map.of()), new TypeReference<List<ContainerState>>() {});
    }

    /** Blocks until the container has exited or the timeout passed; returns its state then. */
    public ContainerState await(String id, long timeoutMs) throws IOException {
        return call(Wire.Op.WAIT, new Wire.WaitBody(id, timeoutMs), ContainerState.class);
    }

    public ExecResult exec(ExecRequest request) throws IOException { return call(Wire.Op.EXEC, request, ExecResult.class); }

    /** Unpacks a stored layer blob (if not done before) and returns the directory, for overlay lowerdirs. */
    public Path unpack(String digest) throws IOException {
        return Path.of(call(Wire.Op.UNPACK, new Wire.DigestBody(digest)).path("path").asText());
    }

    /** Deletes unpacked layers that are not in {@code keep} and that no container uses. */
    /** Replaces the node's network policy with {@code policies} (the helper keeps them across its restarts). */
    /** Mounts an app's NFS volume (once) and returns where; refused with the reason (no NFS client, mount failed). */
    public java.nio.file.Path mountNfs(String app, String volume, String server, String export, String options) throws IOException {
        return java.nio.file.Path.of(call(Wire.Op.MOUNT_NFS, new Wire.NfsBody(app, volume, server, export, options)).path("path").asText());
    }

    /** The containers whose DNS names the resolver holds back (not healthy yet, or unhealthy); replaces the last set. */
    public void holdNames(java.util.List<String> ids) throws IOException {
        call(Wire.Op.NAMES_HELD, new Wire.HeldBody(List.copyOf(ids)));
    }

    public void setPolicies(java.util.List<dev.yoq.node.protocol.NetworkPolicy> policies) throws IOException {
        call(Wire.Op.POLICIES, new Wire.PoliciesBody(List.copyOf(policies)));
    }

    /**
     * The node's whole VIP table (replacing the last one); DNS answers a service's names with its VIP, or with its
     * backends' addresses when {@code dnsReturnsVip} is false. Returns the dataplane's status.
     */
    public JsonNode setServices(java.util.List<dev.yoq.node.protocol.ServiceVip> services, boolean dnsReturnsVip) throws IOException {
        return call(Wire.Op.SERVICES, new Wire.ServicesBody(List.copyOf(services), dnsReturnsVip));
    }

    /** Makes the node's WireGuard interface match {@code spec} (with no address: only makes the key); its status. */
    public JsonNode overlay(dev.yoq.node.protocol.OverlaySpec spec) throws IOException {
        return call(Wire.Op.OVERLAY, spec);
    }

    /** The node's WireGuard interface: up or not, its public key, peers with their last handshakes. */
    public JsonNode overlayStatus() throws IOException {
        return call(Wire.Op.OVERLAY_STATUS, Map.of());
    }

    /** Which dataplane serves the VIPs (bpf or nftables, and why), its programs and its maps' headroom. */
    public JsonNode dataplane() throws IOException {
        return call(Wire.Op.DATAPLANE, Map.of());
    }

    /** Network counters per container address (connections -1 where unknown) and per address pair (BPF only). */
    public JsonNode counters() throws IOException {
        return call(Wire.Op.COUNTERS, Map.of());
    }

    /**
     * yoq-proxy's whole configuration (listeners, routes, upstreams, certificates, ACME answers), replacing the
     * last; the helper keeps it and gives it to the proxy after any restart. Returns the proxy's status.
     */
    public JsonNode proxyConfig(JsonNode config) throws IOException {
        return call(Wire.Op.PROXY_CONFIG, config);
    }

    /** yoq-proxy's counters (per route, backend, mirror) and listeners; {"running":false,...} when it is down. */
    public JsonNode proxyStats() throws IOException {
        return call(Wire.Op.PROXY_STATS, Map.of());
    }

    /** The resolver's counters; "running" false when it could not listen. */
    public Map<String, Long> dnsStats() throws IOException {
        return codec.mapper().convertValue(call(Wire.Op.DNS_STATS, Map.of()), new com.fasterxml.jackson.core.type.TypeReference<Map<String, Long>>() {});
    }

    public Map<String, Long> pruneLayers(java.util.Collection<String> keep) throws IOException {
        return codec.mapper().convertValue(call(Wire.Op.PRUNE_LAYERS, new Wire.PruneBody(List.copyOf(keep))),
                new TypeReference<Map<String, Long>>() {});
    }

    public Map<String, Object> stats(String id) throws IOException {
        return codec.mapper().convertValue(call(Wire.Op.STATS, new Wire.IdBody(id)), new TypeReference<Map<String, Object>>() {});
    }

    /**
     * Turns this connection into an event stream: every event goes to the listener on a daemon thread until
     * the connection closes (then onClose runs, so the caller can reconnect and reconcile).
     */
    public void subscribe(Consumer<Wire.Event> listener, Runnable onClose) throws IOException {
        call(Wire.Op.SUBSCRIBE, Map.of());
        Thread t = new Thread(() -> {
            try {
                Wire.Event event;
                while ((event = codec.read(in, Wire.Event.class)) != null) listener.accept(event);
            } catch (IOException e) {
                // closed
            } finally {
                onClose.run();
            }
        }, "yoq-node-events");
        t.setDaemon(true);
        t.start();
    }

    private <T> T call(Wire.Op op, Object body, Class<T> type) throws IOException {
        return codec.convert(call(op, body), type);
    }

    private synchronized JsonNode call(Wire.Op op, Object body) throws IOException {
        long id = nextId++;
        Wire.Reply reply;
        try {
            codec.write(out, new Wire.Request(id, op.wireName(), codec.tree(body)));
            reply = codec.read(in, Wire.Reply.class);
        } catch (IOException e) {
            broken = true;
            throw e;
        }
        if (reply == null) throw new IOException("the node helper closed the connection during " + op.wireName());
        if (reply.error() != null) throw new HelperException(reply.error());
        if (reply.id() != id) throw new HelperException(HelperError.INTERNAL, "reply " + reply.id() + " to request " + id);
        return reply.result();
    }

    /**
     * Makes {@link #close()} hand this connection to {@code pool} instead of closing it (the pool answers false
     * when it is full); a connection that failed is always closed.
     */
    public NodeClient returningTo(java.util.function.Predicate<NodeClient> pool) {
        this.returnTo = pool;
        return this;
    }

    @Override
    public void close() throws IOException {
        var pool = returnTo;
        if (pool != null && !broken && channel.isOpen() && pool.test(this)) return;
        channel.close();
    }

    /** Closes the connection even if it belongs to a pool. */
    public void disconnect() throws IOException {
        returnTo = null;
        channel.close();
    }
}
