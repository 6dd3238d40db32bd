package dev.yoq.node.daemon.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The node's eBPF dataplane (bpf/src/yoq_lb.c): VIP load balancing, per-container and per-pair counters and new-flow
 * policy, loaded through libbpf and pinned under a pin directory so that a restarted helper re-adopts the same
 * programs and maps (conntrack and counters survive) instead of creating new ones.
 *
 * <p>Attachments are TC filters referencing the pinned programs: they survive the helper, and vanish with the veth.
 * When {@link #open} finds pins from a different object version it reloads, and the interfaces attached before keep
 * the OLD programs and maps until the caller calls {@link #attach} for each of them again ({@link #adopted()} is then
 * false: re-attach every live interface whenever it is false).
 *
 * <p>Thread safe: every method synchronises on the instance.
 */
public final class BpfDataplane implements AutoCloseable {
    static final String RESOURCE = "/bpf/yoq_lb.o";
    private static final byte[] ONE = Layouts.u32(1);

    private final Path pinDir;
    private final BpfLoader.Loaded loaded;
    private final List<ProgramInfo> programs;
    private boolean closed;

    public record Counters(long rxPackets, long rxBytes, long txPackets, long txBytes, long connections) {}

    public record ProgramInfo(String name, int id) {}

    public record MapUsage(String name, long used, long max) {}

    private BpfDataplane(Path pinDir, BpfLoader.Loaded loaded) {
        this.pinDir = pinDir;
        this.loaded = loaded;
        List<ProgramInfo> p = new ArrayList<>();
        loaded.progIds().forEach((n, id) -> p.add(new ProgramInfo(n, id)));
        this.programs = List.copyOf(p);
    }

    /**
     * Loads the object from the classpath resource /bpf/yoq_lb.o and pins programs and maps under pinDir, or re-adopts
     * what is already pinned there (same ids, maps keep their contents). Mounts bpffs at /sys/fs/bpf when pinDir is
     * below it and it is not mounted. Use one pin dir per install (e.g. /sys/fs/bpf/yoq).
     *
     * @throws BpfUnavailableException with a human reason: no bpffs, libbpf missing, load refused (verifier excerpt)
     */
    public static BpfDataplane open(Path pinDir, Consumer<String> log) throws BpfUnavailableException {
        Objects.requireNonNull(pinDir, "pinDir");
        Consumer<String> sink = log == null ? s -> {} : log;
        byte[] object = readObject();
        byte[] sha = sha256(object);
        // libbpf's print hook is process global: one load at a time, each routed to its own logger
        synchronized (BpfDataplane.class) {
            Libbpf lib = Libbpf.Holder.get();
            Libbpf.Holder.sink = sink;
            try {
                if (!Files.exists(Path.of("/sys/kernel/btf/vmlinux"))) {
                    sink.accept("bpf: the kernel exposes no BTF (/sys/kernel/btf/vmlinux); loading anyway (the programs need no CO-RE)");
                }
                BpfLoader.Loaded loaded = BpfLoader.open(lib, pinDir, object, sha, sink);
                BpfDataplane dp = new BpfDataplane(pinDir, loaded);
                sink.accept("bpf: " + (loaded.adopted() ? "re-adopted" : "loaded") + " programs " + dp.programs + " under " + pinDir);
                return dp;
            } finally {
                Libbpf.Holder.sink = s -> {};
            }
        }
    }

    private static byte[] readObject() throws BpfUnavailableException {
        try (InputStream in = BpfDataplane.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new BpfUnavailableException(RESOURCE + " is not on the classpath (yoq-bpf.jar missing from the helper's lib/)");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new BpfUnavailableException("cannot read " + RESOURCE + ": " + e, e);
        }
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Attaches the programs to a container's host-side veth (clsact ingress = packets FROM the container, egress =
     * packets TO it) and registers the container's address for the source check: lb_ingress drops every IPv4 packet
     * arriving on this veth whose source is not containerIp (no spoofing another container's address). Idempotent;
     * call after the veth exists (and again after a reload, see the class comment). The filters survive the helper
     * process exiting, and so does the registration (in the pinned veth_src map, keyed by the veth's ifindex).
     */
    public synchronized void attach(String ifname, String containerIp) throws IOException {
        open();
        byte[] ip = Layouts.ip(Objects.requireNonNull(containerIp, "containerIp"));
        Tc.check(ifname);
        int ifindex = ifindex(ifname);
        if (ifindex <= 0) throw new IOException("no interface " + ifname + " (cannot read /sys/class/net/" + ifname + "/ifindex)");
        // the entry first: the programs never run on this veth without its source check
        map("veth_src").update(Layouts.u32(ifindex), ip);
        Tc.attach(ifname, pinDir.resolve("lb_ingress"), pinDir.resolve("lb_egress"));
        pruneVethSrc();
    }

    /**
     * Removes our filters from the interface and its source-check entry; a missing interface or filter is fine.
     * Entries of interfaces that no longer exist (a veth deleted with its namespace) are dropped too, here and on
     * every attach, since a gone interface's ifindex cannot be read any more.
     */
    public synchronized void detach(String ifname) throws IOException {
        Tc.detach(ifname);
        if (closed) return;
        BpfMap src = map("veth_src");
        int ifindex = ifindex(ifname);
        if (ifindex > 0) src.delete(Layouts.u32(ifindex));
        pruneVethSrc();
    }

    /**
     * Drops the source-check entries of interfaces that no longer exist (veths go with their container, often without
     * a detach): the map stays bounded, and a reused ifindex gets its entry from its own attach anyway.
     */
    private void pruneVethSrc() throws IOException {
        Set<Integer> present = presentIfindexes();
        if (present != null) map("veth_src").deleteIf((k, v) -> !present.contains(Layouts.u32(k)));
    }

    /** The interface's ifindex in this network namespace, or -1 when it does not exist. */
    static int ifindex(String ifname) {
        Tc.check(ifname);
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", ifname, "ifindex")).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Every ifindex in this network namespace, or null when /sys/class/net cannot be listed (then prune nothing). */
    private static Set<Integer> presentIfindexes() {
        Set<Integer> out = new HashSet<>();
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                int i = ifindex(p.getFileName().toString());
                if (i > 0) out.add(i);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return out.isEmpty() ? null : out;
    }

    /**
     * The whole desired VIP table: VIP -> backends (at most 64 each, in the order given: the flow hash indexes it).
     * Port preserving for TCP and UDP. Writes only changed entries and deletes VIPs not in the table; existing
     * flows keep their backend through the conntrack map, even one that left the table or a deleted VIP (draining).
     */
    public synchronized void syncVips(Map<String, List<String>> vips) throws IOException {
        open();
        Map<BpfMap.Key, byte[]> desired = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : vips.entrySet()) {
            desired.put(new BpfMap.Key(Layouts.ip(e.getKey())), Layouts.vipValue(e.getValue()));
        }
        map("vips").sync(desired);
    }

    /**
     * Deletes every conntrack and rev_nat entry whose backend is one of these addresses (their containers ended): a
     * reused 5-tuple must pick a live backend. Conntrack entries go by their value's backend (plain, untranslated
     * entries whose destination is one of them included), rev_nat entries by their key's source (the replying
     * backend). Also deletes the addresses' {@code counters} entries and the {@code pairs} entries they are part of,
     * so a new container reusing an address starts from zero instead of inheriting the old one's totals.
     * Not for draining: a draining backend is alive and keeps its flows (see {@link #syncVips}).
     * Returns how many conntrack and rev_nat entries were deleted (the counter entries are not counted).
     */
    public synchronized int forgetBackends(Collection<String> backendIps) throws IOException {
        open();
        Set<BpfMap.Key> gone = new HashSet<>();
        for (String ip : backendIps) gone.add(new BpfMap.Key(Layouts.ip(ip)));
        if (gone.isEmpty()) return 0;
        // conntrack first: a client packet arriving in between then picks a live backend and writes its own rev_nat
        int deleted = map("conntrack").deleteIf((k, v) -> gone.contains(new BpfMap.Key(Layouts.ctBackend(v))));
        deleted += map("rev_nat").deleteIf((k, v) -> gone.contains(new BpfMap.Key(Layouts.flowSaddr(k))));
        BpfMap counters = map("counters");
        for (BpfMap.Key k : gone) counters.delete(k.bytes());
        map("pairs").deleteIf((k, v) -> gone.contains(new BpfMap.Key(Layouts.pairSrc(k))) || gone.contains(new BpfMap.Key(Layouts.pairDst(k))));
        return deleted;
    }

    /**
     * New-flow policy (after VIP translation, so it sees the real backend): each deny pair {src, dst} drops new flows
     * from src to dst; a source in allowOnly may open new flows inside subnetCidr only to its listed destinations
     * (destinations outside the subnet are not restricted). Replies and established flows are never dropped.
     */
    public synchronized void syncPolicy(String subnetCidr, List<String[]> denyPairs, Map<String, List<String>> allowOnly)
            throws IOException {
        open();
        byte[] subnet = Layouts.subnet(subnetCidr);
        Map<BpfMap.Key, byte[]> deny = new LinkedHashMap<>();
        for (String[] p : denyPairs) {
            if (p.length != 2) throw new IllegalArgumentException("a deny pair is {src, dst}");
            deny.put(new BpfMap.Key(Layouts.pair(p[0], p[1])), ONE);
        }
        Map<BpfMap.Key, byte[]> only = new LinkedHashMap<>();
        Map<BpfMap.Key, byte[]> allow = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : allowOnly.entrySet()) {
            only.put(new BpfMap.Key(Layouts.ip(e.getKey())), ONE);
            for (String dst : e.getValue()) allow.put(new BpfMap.Key(Layouts.pair(e.getKey(), dst)), ONE);
        }
        // widen first and narrow last, so no moment drops more than either the old or the new policy would
        map("policy_allow").sync(allow);
        map("config").update(new byte[4], subnet);
        map("policy_deny").sync(deny);
        map("policy_allow_only").sync(only);
    }

    /** Per container IPv4: rx/tx packets and bytes seen on its veth, and the new connections it opened. */
    public synchronized Map<String, Counters> counters() throws IOException {
        open();
        Map<String, Counters> out = new LinkedHashMap<>();
        for (Map.Entry<BpfMap.Key, byte[]> e : map("counters").entries().entrySet()) {
            out.put(Layouts.ipString(e.getKey().bytes(), 0), Layouts.counters(e.getValue()));
        }
        return out;
    }

    /**
     * Pairs [src, dst] (dst after VIP translation; replies are their own pair backend -> client) with the packets
     * and bytes src sent, in txPackets/txBytes (the other fields are 0). LRU-bounded to 1024 pairs.
     */
    public synchronized Map<List<String>, Counters> pairs() throws IOException {
        open();
        Map<List<String>, Counters> out = new LinkedHashMap<>();
        for (Map.Entry<BpfMap.Key, byte[]> e : map("pairs").entries().entrySet()) {
            byte[] k = e.getKey().bytes();
            out.put(List.of(Layouts.ipString(k, 0), Layouts.ipString(k, 4)), Layouts.pairCounters(e.getValue()));
        }
        return out;
    }

    public synchronized List<ProgramInfo> programs() {
        return programs;
    }

    /** Maps with used entries (counted by iterating keys; array maps count all slots) and max entries. */
    public synchronized List<MapUsage> maps() throws IOException {
        open();
        List<MapUsage> out = new ArrayList<>();
        for (BpfMap m : loaded.maps().values()) out.add(new MapUsage(m.name, m.keys().size(), m.maxEntries));
        return out;
    }

    /** Whether open() re-adopted pinned objects (true) or loaded fresh (false: re-attach interfaces). */
    public synchronized boolean adopted() {
        return loaded.adopted();
    }

    /** Removes the pins (tests, uninstall); attached interfaces keep their filters until their veth is deleted. */
    public synchronized void unpin() throws IOException {
        BpfLoader.removePins(pinDir);
        try {
            Files.deleteIfExists(pinDir);
        } catch (IOException e) {
            // not empty: something else is pinned there; leave it
        }
    }

    /** Closes the fds only; the pins (and with them programs, maps and attachments) stay. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        BpfLoader.closeAll(loaded);
    }

    /** Package-private view of a map, for tools and tests in this package. */
    BpfMap map(String name) {
        BpfMap m = loaded.maps().get(name);
        if (m == null) throw new IllegalArgumentException("no map " + name);
        return m;
    }

    private void open() throws IOException {
        if (closed) throw new IOException("the bpf dataplane is closed");
    }
}
