package dev.yoq.node.daemon.network;

import dev.yoq.node.daemon.sys.Commands;
import dev.yoq.node.protocol.HelperError;
import dev.yoq.node.protocol.HelperException;
import dev.yoq.node.protocol.OverlaySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The node's WireGuard interface ({@code wg-yoq}, spec §5.5) made to match what the server asks for: kernel
 * WireGuard where the kernel has it, else wireguard-go; the key made here once; peers set with
 * {@code wg syncconf} (the whole list, so peers that left are removed); the interface's address; a route per
 * prefix a peer carries (and none of ours left over); forwarding on a hub. Each apply is idempotent, so the
 * server's periodic push also repairs an interface that went away (wireguard-go killed, a link deleted).
 */
public final class WireguardOverlay {
    static final int TIMEOUT_SECONDS = 20;
    /** Listings are parsed: all of them is kept (a hub of a large cluster lists thousands of routes). */
    static final int OUTPUT_BYTES = 8 << 20;
    /**
     * wireguard-go refuses to run on kernels that could have the module unless told the user chose it; without
     * LOG_LEVEL its daemon writes no log (with it, into a file nobody reads or rotates).
     */
    private static final Map<String, String> USERSPACE_ENV = userspaceEnv();

    private final String iface;
    private final Path keyFile;
    private final Path confFile;
    private final List<String> prefix;
    private final Consumer<String> log;
    private volatile String mode;
    /** The private key once read: cut from any tool output before it goes into a message. */
    private volatile String secret;

    /**
     * {@code prefix}: what runs each tool in the node's network namespace ({@code ip netns exec NS} in tests; empty
     * for the helper, which runs in its node's own).
     */
    public WireguardOverlay(String iface, Path networkDir, List<String> prefix, Consumer<String> log) {
        this.iface = iface;
        this.keyFile = networkDir.resolve("wireguard.key");
        this.confFile = networkDir.resolve(iface + ".conf");
        this.prefix = List.copyOf(prefix);
        this.log = log;
    }

    public String interfaceName() { return iface; }

    /** Applies {@code spec} (validated first) and answers the interface's status; with no address, just the key. */
    public synchronized Map<String, Object> apply(OverlaySpec spec) throws IOException {
        spec.validated();
        String privateKey = WireguardKeys.privateKey(keyFile);
        secret = privateKey;
        String publicKey = WireguardKeys.publicKey(privateKey);
        if (spec.address() == null) return Map.of("interface", iface, "public_key", publicKey);
        ensureInterface();
        writeConf(OverlayConfig.render(privateKey, spec));
        run(List.of("wg", "syncconf", iface, confFile.toString()), "set the WireGuard peers");
        List<String> addresses = OverlayConfig.addresses(run(List.of("ip", "-4", "-o", "addr", "show", "dev", iface), "read the addresses"));
        if (!addresses.equals(List.of(spec.address()))) {
            run(List.of("ip", "addr", "flush", "dev", iface), "clear the old address");
            run(List.of("ip", "addr", "add", spec.address(), "dev", iface), "set the overlay address");
        }
        run(List.of("ip", "link", "set", iface, "up"), "bring the interface up");
        // 127.0.0.1:PORT of a cluster service sent on to another node's replica leaves here with a loopback source
        // (masqueraded in postrouting); WireGuard's allowed IPs never admit 127/8 from a peer
        run(List.of("sysctl", "-q", "-w", "net.ipv4.conf." + iface + ".route_localnet=1"), "let loopback calls of published ports through");
        var changes = OverlayConfig.diff(OverlayConfig.routes(spec), run(List.of("ip", "-4", "-o", "route", "show", "dev", iface), "read the routes"));
        // add, not replace: replace would take over a route of the same prefix on another interface
        for (String r : changes.add()) run(List.of("ip", "route", "add", r, "dev", iface), "route " + r + " (a route to it through another interface is in the way?)");
        for (String r : changes.delete()) run(List.of("ip", "route", "del", r, "dev", iface), "remove the route " + r);
        if (spec.forward()) run(List.of("sysctl", "-q", "-w", "net.ipv4.ip_forward=1"), "turn on forwarding");
        carried = new Carried(subnets(OverlayConfig.routes(spec)), System.nanoTime());
        return status(publicKey);
    }

    /** The container subnets routed through the overlay (no single addresses: those are nodes), and when they were read. */
    private record Carried(List<String> prefixes, long readAt) {}

    private static final long CARRIED_FOR_NS = 10_000_000_000L;
    private volatile Carried carried;

    /**
     * Whether {@code address} is in a container subnet the overlay routes to another node now: only such addresses
     * may be a VIP's backends off this node. Read from the interface's routes at most every 10 s (and right after an
     * apply), so an interface that went away, or an apply that failed half way, stops sending VIP traffic off the
     * node by another route. A read that fails (an {@code ip} command timing out on a loaded machine) keeps the last
     * answer, tried again {@link #RETRY_NS} later; cached as "no routes", it dropped every remote backend of every
     * cluster service on this node until the next read. Reads that keep failing for {@link #STALE_NS} drop them.
     */
    public boolean carries(String address) {
        long now = System.nanoTime();
        Carried c = carried;
        if ((c == null || now - c.readAt() > CARRIED_FOR_NS) && now - retryAfter >= 0) {
            Carried read = readCarried();
            if (read != null) {
                carried = read;
                c = read;
            } else {
                retryAfter = now + RETRY_NS;
            }
        }
        if (c == null || now - c.readAt() > STALE_NS) return false;
        for (String p : c.prefixes()) if (dev.yoq.node.protocol.NodeNames.contains(p, address)) return true;
        return false;
    }

    static final long RETRY_NS = 2_000_000_000L, STALE_NS = 60_000_000_000L;
    /** When a failed read may be tried again (System.nanoTime). */
    private volatile long retryAfter = System.nanoTime();

    /** The routes now, or null when they could not be read. */
    private Carried readCarried() {
        try {
            List<String> prefixes = exists()
                    ? subnets(OverlayConfig.routes(run(List.of("ip", "-4", "-o", "route", "show", "dev", iface), "read the routes")))
                    : List.of();
            return new Carried(prefixes, System.nanoTime());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static List<String> subnets(java.util.Collection<String> routes) {
        return routes.stream().filter(r -> !r.endsWith("/32")).toList();
    }

    /** The interface, its mode and peers (handshakes, bytes); {"up":false} when it does not exist. */
    public synchronized Map<String, Object> status() throws IOException {
        return status(Files.exists(keyFile) ? WireguardKeys.publicKey(WireguardKeys.privateKey(keyFile)) : null);
    }

    private Map<String, Object> status(String publicKey) throws IOException {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("interface", iface);
        if (!exists()) {
            status.put("up", false);
            if (publicKey != null) status.put("public_key", publicKey);
            return status;
        }
        status.put("up", true);
        if (mode == null) mode = isUserspace() ? "wireguard-go" : "kernel";   // a restarted helper found it
        status.put("mode", mode);
        status.put("addresses", OverlayConfig.addresses(run(List.of("ip", "-4", "-o", "addr", "show", "dev", iface), "read the addresses")));
        status.putAll(OverlayConfig.status(run(List.of("wg", "show", iface, "dump"), "read the WireGuard state")));
        return status;
    }

    private boolean exists() throws IOException {
        return exec(List.of("ip", "link", "show", "dev", iface), Map.of()).exit() == 0;
    }

    /** Kernel WireGuard when {@code ip link add ... type wireguard} works, else wireguard-go (it daemonizes). */
    private void ensureInterface() throws IOException {
        if (exists()) {
            if (mode == null) mode = isUserspace() ? "wireguard-go" : "kernel";
            return;
        }
        Commands.Result kernel = exec(List.of("ip", "link", "add", "dev", iface, "type", "wireguard"), Map.of());
        if (kernel.exit() == 0) {
            mode = "kernel";
        } else {
            Commands.Result userspace;
            try {
                // its own session: a signal to the helper's process group must not take the interface down
                userspace = exec(List.of("setsid", "wireguard-go", iface), USERSPACE_ENV);
            } catch (IOException notInstalled) {
                throw new HelperException(HelperError.CONFLICT, "WireGuard is not available on this node: the kernel has no wireguard module ("
                        + kernel.output() + ") and wireguard-go is not installed (apt install wireguard-go wireguard-tools)");
            }
            if (userspace.exit() != 0 || !exists()) {
                throw new HelperException(HelperError.CONFLICT, "wireguard-go could not make " + iface + ": " + redacted(userspace.output()));
            }
            mode = "wireguard-go";
        }
        log.accept("overlay: made " + iface + " (" + mode + ")");
    }

    /** wireguard-go's interfaces are tun devices; the kernel's are of kind wireguard. */
    private boolean isUserspace() throws IOException {
        return exec(List.of("ip", "-d", "link", "show", "dev", iface), Map.of()).output().contains(" tun ");
    }

    private void writeConf(String conf) throws IOException {
        Files.createDirectories(confFile.getParent());
        Path tmp = confFile.resolveSibling(confFile.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, conf, StandardCharsets.US_ASCII);
        Files.move(tmp, confFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private String run(List<String> cmd, String what) throws IOException {
        Commands.Result r;
        try {
            r = exec(cmd, Map.of());
        } catch (IOException e) {
            throw new HelperException(HelperError.CONFLICT, "overlay: cannot " + what + ": " + e.getMessage()
                    + (cmd.get(0).equals("wg") ? " (apt install wireguard-tools)" : ""));
        }
        if (r.exit() != 0) throw new HelperException(HelperError.CONFLICT, "overlay: cannot " + what + " (" + String.join(" ", cmd) + "): " + redacted(r.output()));
        return r.output();
    }

    private Commands.Result exec(List<String> cmd, Map<String, String> env) throws IOException {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(cmd);
        return Commands.exec(full, TIMEOUT_SECONDS, env, OUTPUT_BYTES);
    }

    private String redacted(String output) {
        String key = secret;
        return key == null ? output : output.replace(key, "(private key)");
    }

    private static Map<String, String> userspaceEnv() {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD", "1");
        env.put("LOG_LEVEL", null);
        return java.util.Collections.unmodifiableMap(env);
    }
}
