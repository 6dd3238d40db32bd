package dev.yoq.node.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.yoq.node.daemon.container.ContainerManager;
import dev.yoq.node.protocol.BuildInfo;
import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.ExecRequest;
import dev.yoq.node.protocol.HelperError;
import dev.yoq.node.protocol.HelperException;
import dev.yoq.node.protocol.MessageCodec;
import dev.yoq.node.protocol.Wire;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/** One client connection: the hello handshake, then requests answered in order, or an event subscription. */
final class Session implements Runnable {
    private final InputStream in;
    private final OutputStream out;
    private final MessageCodec codec;
    private final ContainerManager containers;
    private final EventHub events;
    private final dev.yoq.node.daemon.image.LayerStore layers;
    private final Runnable close;
    private final dev.yoq.node.daemon.edge.ProxySupervisor proxy;
    private final dev.yoq.node.daemon.network.WireguardOverlay overlay;
    private boolean greeted;
    private boolean keepOpen;

    Session(InputStream in, OutputStream out, MessageCodec codec, ContainerManager containers, EventHub events,
            dev.yoq.node.daemon.image.LayerStore layers, dev.yoq.node.daemon.edge.ProxySupervisor proxy,
            dev.yoq.node.daemon.network.WireguardOverlay overlay, Runnable close) {
        this.in = new BufferedInputStream(in);
        this.proxy = proxy;
        this.overlay = overlay;
        this.out = out;
        this.codec = codec;
        this.containers = containers;
        this.events = events;
        this.layers = layers;
        this.close = close;
    }

    @Override
    public void run() {
        try {
            Wire.Request request;
            while ((request = codec.read(in, Wire.Request.class)) != null) {
                if (Wire.Op.SUBSCRIBE.wireName().equals(request.op()) && greeted) {
                    reply(request.id(), JsonNodeFactory.instance.objectNode(), null);
                    streamEvents();
                    return;
                }
                handle(request);
            }
        } catch (IOException e) {
            // the client went away or sent garbage: nothing to answer
        } finally {
            if (!keepOpen) close.run();
        }
    }

    private void handle(Wire.Request request) throws IOException {
        try {
            reply(request.id(), dispatch(request), null);
        } catch (HelperException e) {
            reply(request.id(), null, e.error());
        } catch (IOException | RuntimeException e) {
            reply(request.id(), null, new HelperError(HelperError.INTERNAL, e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    private JsonNode dispatch(Wire.Request r) throws IOException {
        Wire.Op op = Wire.Op.parse(r.op());
        if (op == null) throw new HelperException(HelperError.INVALID, "unknown operation: " + r.op());
        if (!greeted && op != Wire.Op.HELLO) throw new HelperException(HelperError.VERSION, "send hello first");
        JsonNode body = r.body() == null ? JsonNodeFactory.instance.objectNode() : r.body();
        JsonNode done = JsonNodeFactory.instance.objectNode();
        return switch (op) {
            case HELLO -> hello(body);
            case CREATE -> codec.tree(containers.create(codec.convert(body, ContainerSpec.class)));
            case RUN -> codec.tree(containers.run(codec.convert(body, ContainerSpec.class)));
            case START -> codec.tree(containers.start(id(body)));
            case STOP -> {
                Wire.StopBody stop = codec.convert(body, Wire.StopBody.class);
                yield codec.tree(containers.stop(stop.id(), stop.graceMs() > 0 ? stop.graceMs() : 10_000));
            }
            case KILL -> {
                Wire.KillBody kill = codec.convert(body, Wire.KillBody.class);
                containers.kill(kill.id(), kill.signal() > 0 ? kill.signal() : 15);
                yield done;
            }
            case REMOVE -> {
                containers.remove(id(body));
                yield done;
            }
            case GET -> codec.tree(containers.get(id(body)));
            case LIST -> codec.tree(containers.list());
            case WAIT -> {
                Wire.WaitBody wait = codec.convert(body, Wire.WaitBody.class);
                yield codec.tree(containers.await(wait.id(), wait.timeoutMs()));
            }
            case EXEC -> codec.tree(containers.exec(codec.convert(body, ExecRequest.class)));
            case STATS -> codec.tree(containers.stats(id(body)));
            case UNPACK -> codec.tree(Map.of("path", layers.unpacked(codec.convert(body, Wire.DigestBody.class).digest()).toString()));
            case PRUNE_LAYERS -> codec.tree(layers.prune(
                    new java.util.HashSet<>(codec.convert(body, Wire.PruneBody.class).keep()), containers.lowerDirsInUse()));
            case POLICIES -> {
                containers.network().setPolicies(codec.convert(body, Wire.PoliciesBody.class).policies());
                yield done;
            }
            case DNS_STATS -> codec.tree(containers.network().dnsStats());
            case MOUNT_NFS -> {
                Wire.NfsBody b = codec.convert(body, Wire.NfsBody.class);
                yield codec.tree(Map.of("path", containers.nfs().mount(b.app(), b.volume(), b.server(), b.export(), b.options()).toString()));
            }
            case NAMES_HELD -> {
                containers.network().holdNames(codec.convert(body, Wire.HeldBody.class).ids());
                yield done;
            }
            case SERVICES -> {
                Wire.ServicesBody b = codec.convert(body, Wire.ServicesBody.class);
                yield codec.tree(containers.network().setServices(b.services(), b.dnsReturnsVip()));
            }
            case DATAPLANE -> codec.tree(containers.network().dataplane());
            case COUNTERS -> codec.tree(counters());
            case PROXY_CONFIG -> {
                if (proxy == null) throw new HelperException(HelperError.CONFLICT, "yoq-proxy is off on this node (YOQ_PROXY=off)");
                yield proxy.configure(body);
            }
            case PROXY_STATS -> proxy == null ? codec.tree(Map.of("running", false, "error", "yoq-proxy is off on this node (YOQ_PROXY=off)"))
                    : proxy.stats();
            case OVERLAY -> codec.tree(overlay().apply(codec.convert(body, dev.yoq.node.protocol.OverlaySpec.class)));
            case OVERLAY_STATUS -> codec.tree(overlay().status());
            case SECRETS -> {
                Wire.SecretsBody b = codec.convert(body, Wire.SecretsBody.class);
                Map<String, byte[]> files = new java.util.TreeMap<>();
                Map<String, byte[]> env = new java.util.TreeMap<>();
                if (b.files() != null) b.files().forEach((k, v) -> files.put(k, java.util.Base64.getDecoder().decode(v)));
                if (b.env() != null) b.env().forEach((k, v) -> env.put(k, java.util.Base64.getDecoder().decode(v)));
                containers.secrets(b.id(), files, env);
                yield done;
            }
            case SUBSCRIBE -> throw new HelperException(HelperError.VERSION, "send hello before subscribe");
        };
    }

    private dev.yoq.node.daemon.network.WireguardOverlay overlay() {
        if (overlay == null) throw new HelperException(HelperError.CONFLICT, "the overlay is off on this node");
        return overlay;
    }

    private Map<String, Object> counters() throws java.io.IOException {
        List<Map<String, Object>> perContainer = new java.util.ArrayList<>();
        containers.network().counters().forEach((ip, c) -> perContainer.add(Map.of("ip", ip, "rx_packets", c[0], "rx_bytes", c[1],
                "tx_packets", c[2], "tx_bytes", c[3], "connections", c[4])));
        List<Map<String, Object>> pairs = new java.util.ArrayList<>();
        containers.network().pairs().forEach((k, c) -> pairs.add(Map.of("source", k.get(0), "target", k.get(1), "packets", c[0], "bytes", c[1])));
        return Map.of("containers", perContainer, "pairs", pairs);
    }

    private JsonNode hello(JsonNode body) {
        int version = body.path("version").asInt(-1);
        if (version != Wire.VERSION) {
            throw new HelperException(HelperError.VERSION,
                    "protocol version " + version + " is not supported; this helper speaks " + Wire.VERSION);
        }
        greeted = true;
        return codec.tree(Map.of("version", Wire.VERSION, "helper", BuildInfo.version(),
                "cgroups", containers.cgroups().layout().wireName()));
    }

    private String id(JsonNode body) { return codec.convert(body, Wire.IdBody.class).id(); }

    private void reply(long id, JsonNode result, HelperError error) throws IOException {
        synchronized (out) {
            codec.write(out, new Wire.Reply(id, result, error));
        }
    }

    /**
     * Hands the connection to the event hub. Nothing is read from it any more: a blocking read would hold the
     * channel's lock and stall every write of an event. A closed subscriber is noticed at the next event.
     */
    private void streamEvents() {
        keepOpen = true;
        events.subscribe(event -> {
            try {
                synchronized (out) {
                    codec.write(out, event);
                }
                return true;
            } catch (IOException e) {
                close.run();
                return false;
            }
        });
    }
}
