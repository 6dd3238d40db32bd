package dev.yoq.node.daemon.network;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The in-kernel dataplane beside nftables (the eBPF programs of {@code bpf/}): VIP translation, policy and
 * counters on each container's host-side veth. The nftables rules stay in place under it as the fallback, so a
 * veth the programs could not be attached to still reaches its VIPs.
 */
public interface FastPath {
    /**
     * Attaches to a container's host-side veth; idempotent. containerIp is the container's own IPv4 address: IPv4
     * packets arriving from the veth with any other source address are dropped (no spoofing another container).
     */
    void attach(String hostVeth, String containerIp) throws IOException;

    /** Detaches from the veth and forgets its address; a missing veth is fine. */
    void detach(String hostVeth) throws IOException;

    /** The whole VIP table: VIP → backend addresses taking new flows (existing flows keep theirs). */
    void syncVips(Map<String, List<String>> vips) throws IOException;

    /** Forgets the flows pinned to these backends (their containers ended): a reused 5-tuple must pick a live one. */
    void forgetBackends(java.util.Collection<String> backends) throws IOException;

    /** Deny pairs (source, destination) and allow-only sources with their permitted destinations in {@code subnet}. */
    void syncPolicy(String subnet, List<String[]> denyPairs, Map<String, List<String>> allowOnly) throws IOException;

    /** Per container address, seen from the container: {rx packets, rx bytes, tx packets, tx bytes, connections opened}. */
    Map<String, long[]> counters() throws IOException;

    /** Source → destination address pairs: {packets, bytes} (at most 1,024). */
    Map<List<String>, long[]> pairs() throws IOException;

    /** Programs (name, id), maps (name, used, max) and whether they were re-adopted from their pins. */
    Map<String, Object> status();
}
