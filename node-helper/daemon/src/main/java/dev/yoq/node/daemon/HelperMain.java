package dev.yoq.node.daemon;

import dev.yoq.node.daemon.cgroup.CgroupDriver;
import dev.yoq.node.daemon.container.ContainerManager;
import dev.yoq.node.protocol.BuildInfo;
import dev.yoq.node.protocol.DataLayout;
import dev.yoq.node.protocol.HostPaths;
import dev.yoq.node.protocol.NodeNames;
import dev.yoq.node.protocol.MessageCodec;
import dev.yoq.node.protocol.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * yoq-node: {@code yoq-node [--socket PATH] [--data-dir DIR] [--init PATH] [--allow-user NAME]
 * [--cgroup-root DIR] [--allow-host-path PREFIX]}. Settings also come from YOQ_NODE_SOCKET, YOQ_HOME, YOQ_INIT and
 * YOQ_HOST_PATHS_ALLOW, and the node's names from YOQ_BRIDGE, YOQ_SUBNET, YOQ_NFT_TABLE, YOQ_NETNS_PREFIX and
 * YOQ_CGROUP_PARENT ({@link NodeNames}). Runs as root.
 */
public final class HelperMain {
    private HelperMain() {}

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(env("YOQ_NODE_SOCKET", Wire.DEFAULT_SOCKET));
        String dataDir = null;
        Path init = defaultInit();
        Path cgroupRoot = Path.of("/sys/fs/cgroup");
        Set<String> users = new HashSet<>(Set.of("root"));
        StringBuilder allowHostPaths = new StringBuilder(env(HostPaths.ALLOW_ENV, ""));
        String dataplane = env("YOQ_DATAPLANE", "bpf");
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--socket" -> socket = Path.of(required(args[i], value));
                case "--data-dir" -> dataDir = required(args[i], value);
                case "--init" -> init = Path.of(required(args[i], value));
                case "--allow-user" -> users.add(required(args[i], value));
                case "--cgroup-root" -> cgroupRoot = Path.of(required(args[i], value));
                case "--allow-host-path" -> allowHostPaths.append(',').append(required(args[i], value));
                case "--dataplane" -> dataplane = required(args[i], value);
                case "--version" -> { System.out.println("yoq-node " + BuildInfo.version()); return; }
                default -> exit("unknown option " + args[i]);
            }
            i++;
        }
        if (!Files.isExecutable(init)) exit("yoq-init not found at " + init + " (set YOQ_INIT or --init)");
        DataLayout data = DataLayout.resolve(dataDir, System.getenv(), System.getProperty("user.home"));
        Consumer<String> log = line -> System.err.println(Instant.now() + " yoq-node " + line);
        EventHub events = new EventHub(log);
        NodeNames names = null;
        try {
            names = NodeNames.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            exit(e.getMessage());
        }
        CgroupDriver cgroups = CgroupDriver.forHost(cgroupRoot, names.cgroupParent());
        HostPaths hostPaths = null;
        try {
            hostPaths = HostPaths.forNode(data, socket.toAbsolutePath(), installDirs(init), allowHostPaths.toString());
        } catch (IllegalArgumentException e) {
            exit(e.getMessage());
        }
        ContainerManager containers = new ContainerManager(data, hostPaths, names, init, cgroups, events, MessageCodec.SHARED.mapper(), log);
        if (!dataplane.equals("bpf") && !dataplane.equals("nftables")) exit("--dataplane (YOQ_DATAPLANE) must be bpf or nftables, got " + dataplane);
        useDataplane(containers, dataplane, names, log);
        containers.recover();
        startDriftRepair(containers, log);
        HelperServer server = new HelperServer(socket, users, containers, events, new dev.yoq.node.daemon.image.LayerStore(data), log);
        server.bind();
        server.proxy(startProxy(names, data, log));
        var overlay = new dev.yoq.node.daemon.network.WireguardOverlay(names.wgInterface(), data.root().resolve("network"), List.of(), log);
        server.overlay(overlay);
        containers.network().routedBy(overlay::carries);   // a cluster service's replicas on other nodes
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                // exiting anyway; containers keep running
            }
        }));
        log.accept("listening on " + socket + " (data " + data.root() + ", cgroups " + cgroups.layout().wireName()
                + " under " + names.cgroupParent() + ", init " + init + ", bridge " + names.bridge() + " " + names.subnet() + ", table ip "
                + names.table() + ", namespaces " + names.netnsPrefix() + "*)");
        server.serve();
    }

    /**
     * The eBPF programs when asked for and loadable; otherwise nftables alone, with the reason kept for
     * {@code yoq doctor} and {@code GET /v1/status/dataplane}.
     */
    private static void useDataplane(ContainerManager containers, String wanted, NodeNames names, Consumer<String> log) {
        if (wanted.equals("nftables")) {
            containers.network().useFastPath(null, "nftables chosen by setting (YOQ_DATAPLANE / --dataplane)");
            Path pins = dev.yoq.node.daemon.bpf.BpfFastPath.pinDir(names.table());
            if (Files.isDirectory(pins)) containers.network().removeLeftoverBpf(pins);
            log.accept("dataplane: nftables (chosen by setting)");
            return;
        }
        try {
            containers.network().useFastPath(dev.yoq.node.daemon.bpf.BpfFastPath.open(names.table(), log), null);
        } catch (dev.yoq.node.daemon.bpf.BpfUnavailableException | RuntimeException | LinkageError e) {
            containers.network().useFastPath(null, "BPF unavailable: " + e.getMessage());
            Path pins = dev.yoq.node.daemon.bpf.BpfFastPath.pinDir(names.table());
            if (Files.isDirectory(pins)) containers.network().removeLeftoverBpf(pins);   // stale maps must not steer traffic
            log.accept("dataplane: nftables, BPF unavailable: " + e.getMessage());
        }
    }

    /**
     * yoq-proxy, the node's L7 edge, supervised (adopted when already running); null with YOQ_PROXY=off. It keeps
     * running when the helper stops: it serves the last configuration until a helper is back.
     */
    private static dev.yoq.node.daemon.edge.ProxySupervisor startProxy(NodeNames names, DataLayout data, Consumer<String> log) {
        if ("off".equals(System.getenv("YOQ_PROXY"))) {
            log.accept("proxy: off (YOQ_PROXY=off)");
            return null;
        }
        Path helperJar = null;
        try {
            helperJar = Path.of(HelperMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            // not run from a jar: YOQ_PROXY_JAR must say where the proxy is
        }
        var layout = dev.yoq.node.daemon.edge.ProxyLayout.fromEnv(System.getenv(), names.table(), helperJar, data.root());
        var proxy = new dev.yoq.node.daemon.edge.ProxySupervisor(layout, log);
        proxy.start();
        return proxy;
    }

    /** Every {@value #DRIFT_CHECK_MS} ms the kernel's network state is compared with the helper's and repaired. */
    static final long DRIFT_CHECK_MS = 3_000;

    private static void startDriftRepair(ContainerManager containers, Consumer<String> log) {
        var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "yoq-node-drift");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> containers.network().repairDrift(), DRIFT_CHECK_MS, DRIFT_CHECK_MS,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Where the helper's own code lives (its jar's directory, yoq-init's): never mountable into a container. */
    private static java.util.List<Path> installDirs(Path init) {
        java.util.List<Path> dirs = new java.util.ArrayList<>();
        dirs.add(init.toAbsolutePath().normalize().getParent());
        try {
            dirs.add(Path.of(HelperMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent());
        } catch (Exception e) {
            // no code source (not run from a jar): yoq-init's directory still counts
        }
        return dirs;
    }

    /** The yoq-init beside the helper's jar (libexec layout), or the one the build produced. */
    private static Path defaultInit() {
        String configured = System.getenv("YOQ_INIT");
        if (configured != null && !configured.isBlank()) return Path.of(configured);
        try {
            Path jar = Path.of(HelperMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path beside = jar.resolveSibling("yoq-init");
            if (Files.exists(beside)) return beside;
            return jar.getParent().resolve("../../init/target/yoq-init").normalize();
        } catch (Exception e) {
            return Path.of("yoq-init");
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static String required(String option, String value) {
        if (value == null) exit(option + " needs a value");
        return value;
    }

    private static void exit(String message) {
        System.err.println("yoq-node: " + message);
        System.exit(2);
    }
}
