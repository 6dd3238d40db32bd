package dev.yoq.node.daemon.bpf;

import dev.yoq.node.daemon.network.FastPath;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The helper's {@link FastPath} over {@link BpfDataplane}: programs pinned under {@code /sys/fs/bpf/<table>}. */
public final class BpfFastPath implements FastPath {
    private final BpfDataplane bpf;

    private BpfFastPath(BpfDataplane bpf) {
        this.bpf = bpf;
    }

    /** Loads or re-adopts the programs pinned for this install (one directory per nftables table name: per install). */
    public static BpfFastPath open(String table, Consumer<String> log) throws BpfUnavailableException {
        BpfDataplane dp = BpfDataplane.open(pinDir(table), log);
        log.accept("bpf: " + (dp.adopted() ? "re-adopted" : "loaded") + " programs " + dp.programs() + " under " + pinDir(table));
        return new BpfFastPath(dp);
    }

    public static Path pinDir(String table) {
        return Path.of("/sys/fs/bpf", table);
    }

    @Override
    public void attach(String hostVeth, String containerIp) throws IOException {
        bpf.attach(hostVeth, containerIp);
    }

    @Override
    public void detach(String hostVeth) throws IOException {
        bpf.detach(hostVeth);
    }

    @Override
    public void syncVips(Map<String, List<String>> vips) throws IOException {
        bpf.syncVips(vips);
    }

    @Override
    public void forgetBackends(java.util.Collection<String> backends) throws IOException {
        bpf.forgetBackends(backends);
    }

    @Override
    public void syncPolicy(String subnet, List<String[]> denyPairs, Map<String, List<String>> allowOnly) throws IOException {
        bpf.syncPolicy(subnet, denyPairs, allowOnly);
    }

    @Override
    public Map<String, long[]> counters() throws IOException {
        Map<String, long[]> out = new LinkedHashMap<>();
        bpf.counters().forEach((ip, c) -> out.put(ip, new long[] {c.rxPackets(), c.rxBytes(), c.txPackets(), c.txBytes(), c.connections()}));
        return out;
    }

    @Override
    public Map<List<String>, long[]> pairs() throws IOException {
        Map<List<String>, long[]> out = new LinkedHashMap<>();
        bpf.pairs().forEach((k, c) -> out.put(k, new long[] {c.txPackets(), c.txBytes()}));
        return out;
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("adopted", bpf.adopted());
        out.put("programs", bpf.programs().stream().map(p -> Map.of("name", p.name(), "id", p.id())).toList());
        try {
            out.put("maps", bpf.maps().stream().map(m -> Map.of("name", m.name(), "used", m.used(), "max", m.max())).toList());
        } catch (IOException e) {
            out.put("maps", List.of());
            out.put("maps_error", e.getMessage());
        }
        return out;
    }
}
