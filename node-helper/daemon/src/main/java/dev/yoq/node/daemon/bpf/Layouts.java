package dev.yoq.node.daemon.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Byte layouts of the map keys and values in bpf/src/yoq_lb.c. Addresses and ports are stored in network order
 * (the raw bytes of the packet) so the C side compares them without swapping; counts and counters are host order
 * (little-endian: the helper runs on x86_64, where the object is built for).
 */
final class Layouts {
    static final int MAX_BACKENDS = 64;
    static final int FLOW_SIZE = 16;
    static final int VIP_VALUE_SIZE = 4 + 4 * MAX_BACKENDS;
    static final int COUNTERS_SIZE = 40;
    static final int CT_VALUE_SIZE = 8;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;

    private Layouts() {}

    /** A dotted IPv4 address to its 4 network-order bytes; strict (never resolves a name). */
    static byte[] ip(String dotted) {
        String[] parts = dotted.strip().split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v;
            try {
                if (parts[i].isEmpty() || parts[i].length() > 3) throw new NumberFormatException();
                v = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            if (v < 0 || v > 255) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            b[i] = (byte) v;
        }
        return b;
    }

    static String ipString(byte[] b, int off) {
        return (b[off] & 0xff) + "." + (b[off + 1] & 0xff) + "." + (b[off + 2] & 0xff) + "." + (b[off + 3] & 0xff);
    }

    /** struct flow: saddr, daddr, sport, dport (network order), proto, 3 zero pad bytes. */
    static byte[] flow(String saddr, String daddr, int sport, int dport, int proto) {
        ByteBuffer bb = ByteBuffer.allocate(FLOW_SIZE).order(ByteOrder.BIG_ENDIAN);
        bb.put(ip(saddr)).put(ip(daddr)).putShort((short) sport).putShort((short) dport).put((byte) proto);
        return bb.array();
    }

    /** struct ct_val: backend, vip (network order). The backend's 4 bytes: the address a conntrack entry pins its flow to. */
    static byte[] ctBackend(byte[] ctValue) {
        if (ctValue.length < CT_VALUE_SIZE) throw new IllegalArgumentException("a ct_val has " + CT_VALUE_SIZE + " bytes, got " + ctValue.length);
        return Arrays.copyOfRange(ctValue, 0, 4);
    }

    /** The saddr of a struct flow: in a rev_nat key, the backend that replies. */
    static byte[] flowSaddr(byte[] flow) {
        if (flow.length != FLOW_SIZE) throw new IllegalArgumentException("a flow has " + FLOW_SIZE + " bytes, got " + flow.length);
        return Arrays.copyOfRange(flow, 0, 4);
    }

    /** struct vip_val: u32 count (host order), then the backends' addresses. */
    static byte[] vipValue(List<String> backends) {
        if (backends.size() > MAX_BACKENDS) {
            throw new IllegalArgumentException("a VIP has at most " + MAX_BACKENDS + " backends, got " + backends.size());
        }
        ByteBuffer bb = ByteBuffer.allocate(VIP_VALUE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(backends.size());
        for (String b : backends) bb.put(ip(b));
        return bb.array();
    }

    static List<String> vipBackends(byte[] value) {
        int n = Math.min(ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getInt(0), MAX_BACKENDS);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(ipString(value, 4 + 4 * i));
        return out;
    }

    /** struct pair_key: src, dst. */
    static byte[] pair(String src, String dst) {
        return ByteBuffer.allocate(8).put(ip(src)).put(ip(dst)).array();
    }

    static byte[] pairSrc(byte[] pairKey) {
        if (pairKey.length != 8) throw new IllegalArgumentException("a pair key has 8 bytes, got " + pairKey.length);
        return Arrays.copyOfRange(pairKey, 0, 4);
    }

    static byte[] pairDst(byte[] pairKey) {
        if (pairKey.length != 8) throw new IllegalArgumentException("a pair key has 8 bytes, got " + pairKey.length);
        return Arrays.copyOfRange(pairKey, 4, 8);
    }

    /** A host-order (little-endian) u32: counts, and the veth_src key (the veth's ifindex). */
    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static int u32(byte[] b) {
        if (b.length != 4) throw new IllegalArgumentException("a u32 has 4 bytes, got " + b.length);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /** struct subnet for "a.b.c.d/n": the network address and mask, both network order. */
    static byte[] subnet(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
        int bits;
        try {
            bits = Integer.parseInt(cidr.substring(slash + 1).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
        }
        if (bits < 0 || bits > 32) throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
        int mask = bits == 0 ? 0 : -1 << (32 - bits);
        int addr = ByteBuffer.wrap(ip(cidr.substring(0, slash))).getInt() & mask;
        return ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(addr).putInt(mask).array();
    }

    /** struct counters: rx packets, rx bytes, tx packets, tx bytes, connections (u64 each). */
    static BpfDataplane.Counters counters(byte[] v) {
        ByteBuffer bb = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        return new BpfDataplane.Counters(bb.getLong(0), bb.getLong(8), bb.getLong(16), bb.getLong(24), bb.getLong(32));
    }

    /** struct pair_val: packets, bytes; reported as tx of the source (no connections, no rx). */
    static BpfDataplane.Counters pairCounters(byte[] v) {
        ByteBuffer bb = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        return new BpfDataplane.Counters(0, 0, bb.getLong(0), bb.getLong(8), 0);
    }

    /** FNV-1a (32 bit) over the first 13 bytes of a struct flow: the C side's backend choice, for tests and tools. */
    static int fnv1a(byte[] flow) {
        return fnv1a(flow, 13);
    }

    static int fnv1a(byte[] b, int len) {
        int h = 0x811c9dc5;
        for (int i = 0; i < len; i++) {
            h ^= b[i] & 0xff;
            h *= 16777619;
        }
        return h;
    }

    /** The C side's flow_hash: FNV-1a over the 13 tuple bytes, then murmur3 fmix32 (FNV's low bits are weak). */
    static int flowHash(byte[] flow) {
        int h = fnv1a(flow);
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** The hashed slot for a new flow to a VIP: flow_hash % count (before the C side's avoid-self step). */
    static int backendIndex(byte[] flow, int count) {
        return (int) (Integer.toUnsignedLong(flowHash(flow)) % count);
    }

    /**
     * The C side's pick(): the index of the backend a new flow (from the flow's saddr) gets, or -1 when the VIP has
     * no backends (dropped), or -2 when only the client itself is left (the packet goes on untranslated): the hashed
     * slot, or the next one (cyclic) when the hashed slot is the client itself.
     */
    static int backendFor(byte[] flow, List<String> backends) {
        int n = backends.size();
        if (n == 0 || n > MAX_BACKENDS) return -1;
        String client = ipString(flow, 0);
        int idx = backendIndex(flow, n);
        if (!backends.get(idx).equals(client)) return idx;
        if (n == 1) return -2;
        idx = idx + 1 >= n ? 0 : idx + 1;
        return backends.get(idx).equals(client) ? -2 : idx;
    }
}
