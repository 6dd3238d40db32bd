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
    /** The kernel's own listing of the table right after it was applied: what {@link #repairDrift} compares with. */
    private String appliedDump;
    private final java.util.concurrent.atomic.AtomicLong repairs = new java.util.concurrent.atomic.AtomicLong();
    private boolean warnedNoBrNetfilter;
    private boolean bridgeReady;

    private final NetworkPlan plan;

    public NetworkDriver(NetworkPlan plan, Path stateDir, Consumer<String> log) {
        this.plan = plan;
        this.rulesCopy = stateDir.resolve("rules.nft");
        this.log = log;
    }

    public NetworkPlan plan() { return plan; }

    public Path netnsPath(String id) { return NETNS_DIR.resolve(plan.netns(id)); }

    /**
     * The bridge, forwarding and the loopback hairpin. Called before every change, so after the first setup it
     * only checks that the bridge is still there (someone may have deleted it) instead of writing the knobs again.
     */
    public synchronized void ensureBridge() throws IOException {
        boolean present = Files.exists(Path.of("/sys/class/net", plan.bridgeName));
        if (present && bridgeReady) return;
        String address = plan.gateway + "/" + plan.names().prefixLength();
        if (!present) {
            ip(null, plan.bridge());
            log.accept("created bridge " + plan.bridgeName + " (" + address + ")");
        } else {
            // the node's subnet changed since the bridge was made (a node given its cluster subnet): the bridge follows
            var shown = dev.yoq.node.daemon.sys.Commands.exec(List.of("ip", "-4", "-o", "addr", "show", "dev", plan.bridgeName), 10);
            List<String> addresses = OverlayConfig.addresses(shown.output());
            if (shown.exit() == 0 && !addresses.equals(List.of(address))) {
                List<String> batch = new ArrayList<>();
                for (String old : addresses) batch.add("addr del " + old + " dev " + plan.bridgeName);
                batch.add("addr add " + address + " dev " + plan.bridgeName);
                ip(null, batch);
                log.accept("bridge " + plan.bridgeName + " had " + addresses + "; set to " + address + " (yoq.subnet " + plan.subnet + ")");
            }
        }
        Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "1");
        Files.writeString(Path.of("/proc/sys/net/ipv4/conf", plan.bridgeName, "route_localnet"), "1");
        // VIP traffic is routed back out of the bridge it came from: no redirects telling containers to go direct
        Files.writeString(Path.of("/proc/sys/net/ipv4/conf", plan.bridgeName, "send_redirects"), "0");
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
        List<String> batch = new ArrayList<>(plan.attach(id));
        batch.add("neigh flush to " + ip + " dev " + plan.bridgeName);
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
        if (Files.exists(netnsPath(id))) batch.add("netns del " + plan.netns(id));
        if (!batch.isEmpty()) ip(null, batch);
    }

    /**
     * Replaces yoq's table with the rules for these containers, the services' VIPs and the policy (its names
     * resolved through {@code names}, container or service name → addresses), unless it already holds exactly them.
     */
    public synchronized void applyRules(List<ContainerSpec.Net> containers, java.util.Map<String, List<String>> names,
                                        List<dev.yoq.node.protocol.NetworkPolicy> policies,
                                        List<dev.yoq.node.protocol.ServiceVip> services) throws IOException {
        String rules = plan.ruleset(containers, names, policies, services);
        if (rules.equals(appliedRules)) return;
        run(List.of("nft", "-f", "-"), rules);
        appliedRules = rules;
        appliedDump = listTable();
        Files.createDirectories(rulesCopy.getParent());
        Files.writeString(rulesCopy, rules);   // what was applied, for an operator to read
    }

    /**
     * Compares the kernel with what this helper applied (finding 6 of the hardening issue: another tool flushed
     * the table and published ports stayed dead): a missing bridge is made again and its ports re-joined, a table
     * that differs from the applied one is applied again. Each repair is logged and counted. Returns the repairs
     * made now.
     */
    public synchronized int repairDrift(java.util.Collection<String> attachedIds) throws IOException {
        if (appliedRules == null) return 0;   // nothing applied yet: nothing can have drifted
        int made = 0;
        if (!Files.exists(Path.of("/sys/class/net", plan.bridgeName))) {
            bridgeReady = false;
            ensureBridge();
            log.accept("repaired: bridge " + plan.bridgeName + " was missing, made again");
            made++;
        }
        String address = plan.gateway + "/" + plan.names().prefixLength();
        if (!bridgeAddresses().contains(address)) {
            ip(null, List.of("addr replace " + address + " dev " + plan.bridgeName, "link set " + plan.bridgeName + " up"));
            log.accept("repaired: bridge " + plan.bridgeName + " had lost its address " + address);
            made++;
        }
        List<String> rejoin = new ArrayList<>();
        for (String id : attachedIds) {
            Path master = Path.of("/sys/class/net", NetworkPlan.hostVeth(id), "master");
            if (Files.exists(Path.of("/sys/class/net", NetworkPlan.hostVeth(id))) && !Files.exists(master)) {
                rejoin.add("link set " + NetworkPlan.hostVeth(id) + " master " + plan.bridgeName + " up");
                rejoin.add("link set " + NetworkPlan.hostVeth(id) + " type bridge_slave hairpin on");
            }
        }
        if (!rejoin.isEmpty()) {
            ip(null, rejoin);
            log.accept("repaired: " + rejoin.size() + " container port(s) re-joined to " + plan.bridgeName);
            made++;
        }
        String now = listTable();
        if (!now.equals(appliedDump)) {
            run(List.of("nft", "-f", "-"), appliedRules);
            appliedDump = listTable();
            log.accept("repaired: nftables table ip " + plan.table + (now.isEmpty() ? " was missing" : " had changed") + ", applied again");
            made++;
        }
        repairs.addAndGet(made);
        return made;
    }

    /**
     * Deletes the kernel's connection tracking entries answered by these addresses (their containers ended): a
     * closed connection's entry lingers (TIME_WAIT, 2 minutes), and a client reusing its 5-tuple, as a new network
     * namespace at the same address does, would be sent to the dead backend again. Needs the conntrack tool.
     */
    public void forgetFlows(java.util.Collection<String> addresses) {
        for (String ip : addresses) {
            try {
                Process p = new ProcessBuilder("conntrack", "-D", "--reply-src", ip).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.waitFor();   // 1 when there was nothing to delete: fine
            } catch (IOException e) {
                if (!warnedNoConntrack) log.accept("conntrack is not installed: flows of ended backends linger until they expire (apt-get install conntrack)");
                warnedNoConntrack = true;
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean warnedNoConntrack;

    /** Takes every TC program off a veth (its clsact qdisc); a missing veth or qdisc is fine. */
    public void removeClsact(String ifname) {
        try {
            Process p = new ProcessBuilder("tc", "qdisc", "del", "dev", ifname, "clsact").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
        } catch (IOException e) {
            log.accept("tc: cannot clear " + ifname + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Repairs made since the helper started. */
    public long repairs() {
        return repairs.get();
    }

    /** The bridge's IPv4 addresses with their prefixes ({@code ip -4 -o addr show dev BRIDGE}). */
    private String bridgeAddresses() throws IOException {
        Process p = new ProcessBuilder("ip", "-4", "-o", "addr", "show", "dev", plan.bridgeName).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** {@code nft list table ip yoq}, empty when the table does not exist. */
    private String listTable() throws IOException {
        Process p = new ProcessBuilder("nft", "list", "table", "ip", plan.table).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            return p.waitFor() == 0 ? out : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: nft list table");
        }
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
