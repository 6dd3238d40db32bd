package dev.yoq.network;

import dev.yoq.node.protocol.NodeNames;
import java.util.Collection;

/**
 * Addresses on a node's bridge (spec §5.5): the node's subnet ({@code yoq.subnet}, default 10.42.0.0/16), leases
 * from the address after the gateway to the one before the broadcast, the lowest free one first (so a released
 * address is the next one given). Pure.
 */
public final class Ipam {
    static final int FIRST = NodeNames.DEFAULTS.firstLease();
    static final int LAST = NodeNames.DEFAULTS.lastLease();

    private Ipam() {}

    /** The lowest address of the default subnet not in {@code used}, or null when all 65,533 are taken. */
    public static String lowestFree(Collection<String> used) {
        return lowestFree(used, FIRST, LAST);
    }

    /** The lowest address of {@code subnet} (after its gateway) not in {@code used}; null subnet: the default. */
    public static String lowestFree(Collection<String> used, String subnet) {
        if (subnet == null) return lowestFree(used);
        return lowestFree(used, NodeNames.firstLease(subnet), NodeNames.lastLease(subnet));
    }

    /** The highest address of {@code subnet} not in {@code used} (the gateway's and below are never given), or null. */
    public static String highestFree(Collection<String> used, String subnet) {
        int first = NodeNames.firstLease(subnet);
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        used.forEach(a -> taken.add(toInt(a)));
        for (int a = NodeNames.lastLease(subnet); a >= first; a--) {
            if (!taken.contains(a)) return toText(a);
        }
        return null;
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
        return NodeNames.address(dotted);
    }

    static String toText(int a) {
        return NodeNames.text(a);
    }
}
