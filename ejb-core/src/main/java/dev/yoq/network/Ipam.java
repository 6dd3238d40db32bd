package dev.yoq.network;

import java.util.Collection;
import java.util.Arrays;

/**
 * Addresses on the single node's bridge (spec §5.5): 10.42.0.0/16, gateway 10.42.0.1, leases from 10.42.0.2 to
 * 10.42.255.254, the lowest free one first (so a released address is the next one given). Pure.
 */
public final class Ipam {
    public static final String GATEWAY = "10.42.0.1";
    public static final int PREFIX = 16;
    static final int FIRST = toInt("10.42.0.2");
    static final int LAST = toInt("10.42.255.254");

    private Ipam() {}

    /** The lowest address not in {@code used}, or null when all 65,533 are taken. */
    public static String lowestFree(Collection<String> used) {
        return lowestFree(used, FIRST, LAST);
    }

    /** The lowest address of {@code subnet} (after its gateway) not in {@code used}; null subnet: the default. */
    public static String lowestFree(Collection<String> used, String subnet) {
        if (subnet == null) return lowestFree(used);
        dev.yoq.node.protocol.NodeNames n = new dev.yoq.node.protocol.NodeNames("yoq0", subnet, "yoq", "yoq-", "yoq");
        return lowestFree(used, n.firstLease(), n.lastLease());
    }

    private static String lowestFree(Collection<String> used, int first, int last) {
        int[] taken = used.stream().mapToInt(Ipam::toInt).filter(a -> a >= first && a <= last).sorted().distinct().toArray();
        int candidate = first;
        for (int a : taken) {
            if (a > candidate) break;
            candidate = a + 1;
        }
        return candidate <= last ? toText(candidate) : null;
    }

    static int toInt(String dotted) {
        int[] p = Arrays.stream(dotted.split("\\.")).mapToInt(Integer::parseInt).toArray();
        return (p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
    }

    static String toText(int a) {
        return ((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
    }
}
