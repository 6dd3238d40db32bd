package dev.yoq.node.daemon.network;

import dev.yoq.node.daemon.dns.DnsAnswers;
import dev.yoq.node.daemon.dns.DnsServer;
import dev.yoq.node.daemon.dns.Forwarder;
import dev.yoq.node.daemon.dns.NameTable;
import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.NetworkPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * This node's container network as a whole: per-container attach/detach, and {@link #sync} to make the port
 * rules and the DNS names match the containers the helper has (after each change and at helper start). The
 * resolver starts with the first networked container, since it listens on the bridge's own address.
 */
public final class NodeNetwork {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final NetworkDriver driver;
    private final Consumer<String> log;
    private final Path policyFile;
    private List<NetworkPolicy> policies;
    private final ServiceTable services;
    private FastPath fast;
    private String fastReason = "not started";
    private final java.util.Set<String> fastAttached = new java.util.HashSet<>();
    /** The addresses of the containers at the last sync: one gone since ended, and its flows are forgotten. */
    private java.util.Set<String> lastLive = java.util.Set.of();
    private Collection<ContainerSpec> lastSpecs = List.of();
    private java.util.Set<String> held = java.util.Set.of();
    private final NameTable names = new NameTable();
    private DnsServer dns;
    private boolean dnsFailureLogged;

    public NodeNetwork(NetworkDriver driver, Path stateDir, Consumer<String> log) {
        this.driver = driver;
        this.log = log;
        this.policyFile = stateDir.resolve("policies.json");
        this.policies = readPolicies();
        this.services = new ServiceTable(stateDir.resolve("services.json"), log);
    }

    /**
     * The BPF dataplane, or null with the reason it is not used (a setting, no BTF, a refused load): nftables then
     * carries the VIPs, policy and counters alone. Set once at helper start, before the first sync.
     */
    public synchronized void useFastPath(FastPath fastPath, String reason) {
        this.fast = fastPath;
        this.fastReason = reason;
        fastAttached.clear();
    }

    /**
     * The node ran the BPF dataplane before and now runs nftables alone: the programs still attached to the
     * containers' veths would keep translating, so the next sync takes them off and removes their pins.
     */
    private Path leftoverPins;

    public synchronized void removeLeftoverBpf(Path pinDir) {
        this.leftoverPins = pinDir;
    }

    private void detachLeftovers(Collection<ContainerSpec> specs) {
        if (leftoverPins == null || fast != null) return;
        for (ContainerSpec s : specs) if (s.net() != null) driver.removeClsact(NetworkPlan.hostVeth(s.id()));
        try (var files = java.nio.file.Files.list(leftoverPins)) {
            for (Path f : files.toList()) java.nio.file.Files.deleteIfExists(f);
            java.nio.file.Files.deleteIfExists(leftoverPins);
            log.accept("bpf: programs detached from " + specs.size() + " container(s) and unpinned from " + leftoverPins + " (nftables only now)");
        } catch (IOException e) {
            log.accept("bpf: cannot remove the old pins under " + leftoverPins + ": " + e.getMessage());
        }
        leftoverPins = null;
    }

    /** Which addresses outside this node's subnet the overlay carries (another node's replicas of a cluster service). */
    private volatile java.util.function.Predicate<String> routed = address -> false;

    public void routedBy(java.util.function.Predicate<String> overlayRoutes) {
        this.routed = overlayRoutes;
    }

    /** The server's whole VIP table (kept in a file so a restarted helper serves the VIPs before the server calls). */
    /** Answers the mode only: the maps' use (a walk of every key) is for the DATAPLANE op, not every table change. */
    public synchronized Map<String, Object> setServices(List<dev.yoq.node.protocol.ServiceVip> next, boolean dnsReturnsVip) throws IOException {
        services.replace(next, dnsReturnsVip, driver.plan().names());
        sync(lastSpecs);
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("mode", fast == null ? "nftables" : "bpf");
        out.put("services", services.size());
        return out;
    }

    /** Which dataplane serves this node, and its programs and maps. */
    public synchronized Map<String, Object> dataplane() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("mode", fast == null ? "nftables" : "bpf");
        out.put("reason", fast == null ? fastReason : null);
        out.put("services", services.size());
        out.put("attached", fastAttached.size());
        if (fast != null) out.putAll(fast.status());
        return out;
    }

    /**
     * Per container address: rx/tx packets and bytes, and connections opened (-1 when unknown). BPF counts on the
     * veth; without it the veth's own statistics say the same (host side rx = the container's tx).
     */
    public synchronized Map<String, long[]> counters() throws IOException {
        if (fast != null) return fast.counters();
        Map<String, long[]> out = new TreeMap<>();
        for (ContainerSpec s : lastSpecs) {
            if (s.net() == null) continue;
            Path stats = Path.of("/sys/class/net", NetworkPlan.hostVeth(s.id()), "statistics");
            if (!java.nio.file.Files.isDirectory(stats)) continue;
            out.put(s.net().ip(), new long[] {stat(stats, "tx_packets"), stat(stats, "tx_bytes"), stat(stats, "rx_packets"),
                    stat(stats, "rx_bytes"), -1});
        }
        return out;
    }

    private static long stat(Path dir, String name) {
        try {
            return Long.parseLong(java.nio.file.Files.readString(dir.resolve(name)).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    public synchronized Map<List<String>, long[]> pairs() throws IOException {
        return fast == null ? Map.of() : fast.pairs();
    }

    /** The server's whole policy, kept in a file so a restarted helper enforces it before the server calls. */
    public synchronized void setPolicies(List<NetworkPolicy> next) throws IOException {
        if (next == null) next = List.of();
        for (NetworkPolicy p : next) {
            if (!NetworkPolicy.NAME.matcher(String.valueOf(p.source())).matches() || !NetworkPolicy.NAME.matcher(String.valueOf(p.target())).matches()
                    || !("deny".equals(p.action()) || "allow".equals(p.action()))) {
                throw new dev.yoq.node.protocol.HelperException(dev.yoq.node.protocol.HelperError.INVALID, "bad policy " + p);
            }
        }
        policies = List.copyOf(next);
        java.nio.file.Files.createDirectories(policyFile.getParent());
        Path tmp = policyFile.resolveSibling("policies.json.tmp");
        java.nio.file.Files.write(tmp, JSON.writeValueAsBytes(policies));
        java.nio.file.Files.move(tmp, policyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        sync(lastSpecs);
    }

    private List<NetworkPolicy> readPolicies() {
        try {
            if (!java.nio.file.Files.exists(policyFile)) return List.of();
            return List.of(JSON.readValue(policyFile.toFile(), NetworkPolicy[].class));
        } catch (IOException e) {
            log.accept("network policy file " + policyFile + " is unreadable (" + e.getMessage() + "); none enforced until the server sends it");
            return List.of();
        }
    }

    /**
     * The server's health verdict: these containers' names are not answered (their rules stay). Not kept in a file:
     * the server sends the set again within seconds of a helper restart.
     */
    public synchronized void holdNames(List<String> ids) throws IOException {
        if (ids == null) ids = List.of();
        if (ids.size() > 100_000) throw new dev.yoq.node.protocol.HelperException(dev.yoq.node.protocol.HelperError.INVALID, "too many ids");
        for (String id : ids) {
            if (id == null || !id.matches("[0-9a-f]{1,64}")) {
                throw new dev.yoq.node.protocol.HelperException(dev.yoq.node.protocol.HelperError.INVALID, "bad container id " + id);
            }
        }
        java.util.Set<String> next = java.util.Set.copyOf(ids);
        if (next.equals(held)) return;
        held = next;
        sync(lastSpecs);
    }

    public void attach(String id, String ip) throws IOException {
        driver.attach(id, ip);
        attachFast(id, ip);
    }

    public void detach(String id) throws IOException {
        synchronized (this) {
            fastAttached.remove(id);
        }
        driver.detach(id);
    }

    /** A failed attach leaves the container on the nftables rules (still correct, slower); it is tried again at the next sync. */
    private synchronized void attachFast(String id, String ip) {
        if (fast == null || fastAttached.contains(id)) return;
        try {
            fast.attach(NetworkPlan.hostVeth(id), ip);
            fastAttached.add(id);
        } catch (IOException | RuntimeException e) {
            log.accept("bpf: cannot attach to " + NetworkPlan.hostVeth(id) + " (" + e.getMessage() + "); its traffic takes the nftables rules");
        }
    }

    public synchronized void sync(Collection<ContainerSpec> specs) throws IOException {
        lastSpecs = List.copyOf(specs);
        List<ContainerSpec.Net> nets = specs.stream().map(ContainerSpec::net).filter(Objects::nonNull).toList();
        if (nets.isEmpty() && dns == null && services.size() == 0) return;   // nothing networked yet: no bridge, table, resolver
        driver.ensureBridge();
        detachLeftovers(specs);
        java.util.Set<String> live = new java.util.HashSet<>();
        Map<String, List<String>> addresses = new TreeMap<>();
        for (ContainerSpec s : specs) {
            if (s.net() == null) continue;
            live.add(s.net().ip());
            if (s.name() != null) addresses.put(s.name(), List.of(s.net().ip()));
        }
        List<dev.yoq.node.protocol.ServiceVip> serving = services.serving(live, driver.plan().names().subnet(), routed);
        java.util.Set<String> gone = new java.util.HashSet<>(lastLive);
        gone.removeAll(live);
        lastLive = java.util.Set.copyOf(live);
        for (dev.yoq.node.protocol.ServiceVip v : serving) {
            addresses.put(v.name(), v.members());
            for (String alias : v.aliases()) {   // `yoq policy deny web db` names services as the manifest does
                addresses.merge(alias, v.members(), ServiceTable::union);
            }
        }
        driver.applyRules(nets, addresses, policies, serving);
        syncFast(specs, serving, addresses, live);
        if (!gone.isEmpty()) forget(gone);
        Map<String, List<String>> entries = new TreeMap<>();
        for (ContainerSpec s : specs) {
            if (s.net() == null || s.name() == null || held.contains(s.id())) continue;   // held: not healthy (yet)
            entries.put(s.name(), List.of(s.net().ip()));
            appAliases(s, entries);
        }
        entries.putAll(services.dnsEntries(serving));
        if (entries.size() > NameTable.MAX_NAMES) log.accept("DNS: " + entries.size() + " names, only " + NameTable.MAX_NAMES + " are served");
        names.replace(entries);
        if (dns == null) startResolver();
    }

    /** Flows pinned to ended containers go (in the kernel's conntrack and in the BPF maps): a new flow must pick a live backend. */
    private void forget(java.util.Set<String> gone) {
        driver.forgetFlows(gone);
        if (fast == null) return;
        try {
            fast.forgetBackends(gone);
        } catch (IOException | RuntimeException e) {
            log.accept("bpf: cannot forget the flows of " + gone + ": " + e.getMessage());
        }
    }

    /** Attaches to veths not attached yet (all of them after a fresh load), then the VIP table and the policy. */
    private void syncFast(Collection<ContainerSpec> specs, List<dev.yoq.node.protocol.ServiceVip> serving, Map<String, List<String>> addresses,
                          java.util.Set<String> live) {
        if (fast == null) return;
        for (ContainerSpec s : specs) if (s.net() != null) attachFast(s.id(), s.net().ip());
        try {
            Map<String, List<String>> vips = new TreeMap<>();
            Map<String, String> leftToNftables = new TreeMap<>();   // service name -> VIP
            for (dev.yoq.node.protocol.ServiceVip v : serving) {
                // BPF rewrites a reply on its sender's veth, which a replica on another node never passes: a VIP
                // with such a backend stays untranslated here and the nftables DNAT (conntrack) serves it
                if (live.containsAll(v.backends())) vips.put(v.vip(), v.backends());
                else {
                    leftToNftables.put(v.name(), v.vip());
                    v.aliases().forEach(a -> leftToNftables.put(a, v.vip()));
                }
            }
            fast.syncVips(vips);
            List<String[]> deny = new java.util.ArrayList<>();
            Map<String, List<String>> allowOnly = new TreeMap<>();
            for (NetworkPolicy p : policies) {
                List<String> src = addresses.getOrDefault(p.source(), List.of()), dst = addresses.getOrDefault(p.target(), List.of());
                for (String a : src) {
                    if (p.deny()) for (String b : dst) deny.add(new String[] {a, b});
                    else allowOnly.merge(a, leftToNftables.containsKey(p.target())   // the policy sees the untranslated VIP
                            ? ServiceTable.union(dst, List.of(leftToNftables.get(p.target()))) : dst, ServiceTable::union);
                }
            }
            fast.syncPolicy(driver.plan().subnet, deny, allowOnly);
        } catch (IOException | RuntimeException e) {
            log.accept("bpf: cannot update the maps (" + e.getMessage() + "); they keep their last contents until the next change");
        }
    }

    /**
     * An app's container is named {@code <app>-<workload>} with hostname {@code <workload>}: it also answers to
     * {@code <workload>} and {@code <workload>.<app>} (a bare name two apps share answers with both addresses).
     */
    static void appAliases(ContainerSpec s, Map<String, List<String>> entries) {
        String host = s.hostname();
        if (host == null || s.name().length() <= host.length() + 1 || !s.name().endsWith("-" + host)) return;
        String app = s.name().substring(0, s.name().length() - host.length() - 1);
        for (String alias : List.of(host, host + "." + app)) {
            List<String> ips = new java.util.ArrayList<>(entries.getOrDefault(alias, List.of()));
            if (!ips.contains(s.net().ip())) ips.add(s.net().ip());
            entries.put(alias, List.copyOf(ips));
        }
    }

    private void startResolver() {
        try {
            Forwarder upstream = new Forwarder(Forwarder.upstreamOf(Path.of("/etc/resolv.conf")), System::currentTimeMillis);
            dns = new DnsServer(InetAddress.getByName(driver.plan().gateway), 53, new DnsAnswers(names, upstream), log);
        } catch (IOException e) {   // tried again at the next change: the port may be free by then
            if (!dnsFailureLogged) log.accept("DNS: cannot listen on " + driver.plan().gateway + ":53 (" + e.getMessage() + "); containers get no name service");
            dnsFailureLogged = true;
        }
    }

    /** Puts the kernel back in line with the containers last synced (bridge, ports, table); see NetworkDriver. */
    public synchronized int repairDrift() {
        try {
            return driver.repairDrift(lastSpecs.stream().filter(s -> s.net() != null).map(ContainerSpec::id).toList());
        } catch (IOException | RuntimeException e) {
            log.accept("network drift check failed: " + e.getMessage());
            return 0;
        }
    }

    /** The resolver's counters for the DNS_STATS op (running 0 when it could not listen), and the drift repairs. */
    public synchronized Map<String, Long> dnsStats() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        out.put("running", dns == null ? 0L : 1L);
        out.put("network_repairs", driver.repairs());
        out.put("names", (long) names.size());
        if (dns != null) out.putAll(dns.answers().counters());
        return out;
    }
}
