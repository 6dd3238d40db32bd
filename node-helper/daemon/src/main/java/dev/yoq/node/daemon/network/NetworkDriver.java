package dev.yoq.node.daemon.network;

import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.HelperError;
import dev.yoq.node.protocol.HelperException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Carries out a {@link NetworkPlan}: the bridge on first use, a namespace and veth pair per container (one
 * {@code ip -batch} process; the container's own side, addresses and routes, is set by yoq-init with ioctls),
 * and yoq's nftables table, replaced whole. Commands get argument lists and stdin, never a shell.
 */
public final class NetworkDriver {
    static final Path NETNS_DIR = Path.of("/run/netns");
    private final Path rulesCopy;
    private final Consumer<String> log;
    private String appliedRules;
    private boolean warnedNoBrNetfilter;
    private boolean bridgeReady;

    public NetworkDriver(Path stateDir, Consumer<String> log) {
        this.rulesCopy = stateDir.resolve("rules.nft");
        this.log = log;
    }

    public static Path netnsPath(String id) { return NETNS_DIR.resolve(NetworkPlan.netns(id)); }

    /**
     * The bridge, forwarding and the loopback hairpin. Called before every change, so after the first setup it
     * only checks that the bridge is still there (someone may have deleted it) instead of writing the knobs again.
     */
    public synchronized void ensureBridge() throws IOException {
        boolean present = Files.exists(Path.of("/sys/class/net", NetworkPlan.BRIDGE));
        if (present && bridgeReady) return;
        if (!present) {
            ip(null, NetworkPlan.bridge());
            log.accept("created bridge " + NetworkPlan.BRIDGE + " (" + NetworkPlan.GATEWAY + "/16)");
        }
        Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "1");
        Files.writeString(Path.of("/proc/sys/net/ipv4/conf", NetworkPlan.BRIDGE, "route_localnet"), "1");
        Path bridged = Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables");   // policy between containers needs it
        if (Files.exists(bridged)) Files.writeString(bridged, "1");
        else if (!warnedNoBrNetfilter) {
            warnedNoBrNetfilter = true;
            log.accept("br_netfilter is not loaded: network policy cannot see traffic between containers (modprobe br_netfilter)");
        }
        bridgeReady = true;
    }

    /**
     * The container's namespace with eth0 inside and its peer on the bridge; leftovers of a failed try go first.
     * The bridge forgets the address's old link-layer address: a reused address (a service replaced by a new
     * release gets the same lowest free one) would otherwise stay unreachable until the stale entry times out.
     */
    public void attach(String id, String ip) throws IOException {
        ensureBridge();
        detach(id);
        List<String> batch = new ArrayList<>(NetworkPlan.attach(id));
        batch.add("neigh flush to " + ip + " dev " + NetworkPlan.BRIDGE);
        ip(null, batch);
    }

    /**
     * Removes the veth pair and the namespace, in one {@code ip} process; missing pieces are fine (idempotent).
     * Synchronous on purpose: the address goes back to the pool with the container, and a namespace left behind
     * would still answer ARP for it.
     */
    public void detach(String id) throws IOException {
        List<String> batch = new ArrayList<>();
        if (Files.exists(Path.of("/sys/class/net", NetworkPlan.hostVeth(id)))) batch.add("link del " + NetworkPlan.hostVeth(id));
        if (Files.exists(netnsPath(id))) batch.add("netns del " + NetworkPlan.netns(id));
        if (!batch.isEmpty()) ip(null, batch);
    }

    /**
     * Replaces yoq's table with the rules for these containers and the policy (its names resolved through
     * {@code names}, container name → address), unless it already holds exactly them.
     */
    public synchronized void applyRules(List<ContainerSpec.Net> containers, java.util.Map<String, String> names,
                                        List<dev.yoq.node.protocol.NetworkPolicy> policies) throws IOException {
        String rules = NetworkPlan.ruleset(containers, names, policies);
        if (rules.equals(appliedRules)) return;
        run(List.of("nft", "-f", "-"), rules);
        appliedRules = rules;
        Files.createDirectories(rulesCopy.getParent());
        Files.writeString(rulesCopy, rules);   // what was applied, for an operator to read
    }

    private static void ip(String netns, List<String> batch) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        if (netns != null) cmd.addAll(List.of("-n", netns));
        cmd.addAll(List.of("-batch", "-"));
        run(cmd, String.join("\n", batch) + "\n");
    }

    private static void run(List<String> cmd, String stdin) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (p.waitFor() != 0) throw new HelperException(HelperError.START_FAILED, "network: " + String.join(" ", cmd) + ": " + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd));
        }
    }
}
