package dev.yoq.cluster.agent;

import java.util.Collection;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * The numbers a registering node is given (spec §5.3, §5.5): its agent id (12 random hex characters), the lowest
 * free node id in 1-65534, and from that its overlay address and its containers' subnet.
 */
public final class NodeNumbers {
    public static final int MAX_NODE_ID = 65534;

    private NodeNumbers() {
    }

    /** 12 lowercase hex characters (6 random bytes). */
    public static String agentId(RandomGenerator random) {
        byte[] b = new byte[6];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The lowest node id in 1-65534 not in {@code taken}; throws when all are. */
    public static int lowestFreeNodeId(Collection<Integer> taken) {
        boolean[] used = new boolean[MAX_NODE_ID + 1];
        for (Integer t : taken) if (t != null && t >= 1 && t <= MAX_NODE_ID) used[t] = true;
        for (int n = 1; n <= MAX_NODE_ID; n++) if (!used[n]) return n;
        throw new IllegalStateException("no free node id: all " + MAX_NODE_ID + " are taken");
    }

    /** {@code 10.40.0.n} for n ≤ 254, else {@code 10.40.(n>>8).(n&255)}. */
    public static String overlayIp(int n) {
        check(n);
        return n <= 254 ? "10.40.0." + n : "10.40." + (n >> 8) + "." + (n & 255);
    }

    /** {@code 10.42.n.0/24} for n 1-254, else {@code 10.(42+(n>>8)).(n&255).0/24}; an error past 255. */
    public static String containerSubnet(int n) {
        check(n);
        if (n <= 254) return "10.42." + n + ".0/24";
        int second = 42 + (n >> 8);
        if (second > 255) throw new IllegalArgumentException("node id " + n + " has no container subnet (second octet " + second + ")");
        return "10." + second + "." + (n & 255) + ".0/24";
    }

    private static void check(int n) {
        if (n < 1 || n > MAX_NODE_ID) throw new IllegalArgumentException("node id must be 1-" + MAX_NODE_ID + ", got " + n);
    }
}
