package dev.yoq.node.protocol;

import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The node's WireGuard overlay as the server wants it (spec §5.5): the interface's address, its UDP port, whether
 * it forwards between peers (a hub), and its whole peer list, replacing the last one. The helper makes the key
 * itself and never sends the private half anywhere. {@code address} null: only make (or read) the key.
 *
 * @param address    this node's overlay address with the overlay's prefix, e.g. {@code 10.40.0.3/24}
 * @param listenPort the UDP port WireGuard listens on (spec: 51820)
 * @param forward    a hub: packets between peers (and to its containers) are forwarded
 * @param peers      every peer, at most {@link #MAX_PEERS}
 */
public record OverlaySpec(String address, int listenPort, boolean forward, List<Peer> peers) {
    public static final int MAX_PEERS = 1024;
    /** Per peer: its overlay address, its container subnet and, through the one hub an agent uses, every other node's. */
    public static final int MAX_ALLOWED_IPS = 2 * MAX_PEERS + 2;
    /**
     * A peer carries overlay addresses and container subnets, never anything wider than a /16: a short prefix (a
     * default route, the node's own LAN) would take the node's traffic into the tunnel.
     */
    public static final int SHORTEST_PREFIX = 16;
    /** Decimal octets without leading zeros: ip(8) reads 010 as octal, wg(8) refuses it; both must mean one thing. */
    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern CIDR = Pattern.compile(OCTET + "\\." + OCTET + "\\." + OCTET + "\\." + OCTET + "/(3[0-2]|[12]?\\d)");
    private static final Pattern ENDPOINT = Pattern.compile(OCTET + "\\." + OCTET + "\\." + OCTET + "\\." + OCTET + ":([1-9]\\d{0,4})");

    /** One peer: its public key (base64 of 32 bytes), where it listens, what it carries, the keepalive in seconds. */
    public record Peer(String publicKey, String endpoint, List<String> allowedIps, int keepalive) {
        public Peer {
            allowedIps = allowedIps == null ? List.of() : List.copyOf(allowedIps);
        }
    }

    public OverlaySpec {
        peers = peers == null ? List.of() : List.copyOf(peers);
    }

    /** Refuses what WireGuard or the routing table would choke on, naming the field; returns the spec. */
    public OverlaySpec validated() {
        if (address == null) {
            if (!peers.isEmpty()) throw invalid("overlay.address: required with peers");
            return this;
        }
        cidr("overlay.address", address);
        if (listenPort < 1 || listenPort > 65535) throw invalid("overlay.listen_port: " + listenPort + " is not a port (1-65535)");
        if (peers.size() > MAX_PEERS) throw invalid("overlay.peers: " + peers.size() + " peers, at most " + MAX_PEERS);
        Set<String> keys = new HashSet<>();
        List<Long> endpoints = new java.util.ArrayList<>();
        int total = 0;
        for (int i = 0; i < peers.size(); i++) {   // first the peers themselves: the prefixes are checked against endpoints
            Peer p = peers.get(i);
            String where = "overlay.peers[" + i + "]";
            if (p == null) throw invalid(where + ": null");
            if (!isKey(p.publicKey())) throw invalid(where + ".public_key: not a WireGuard key (base64 of 32 bytes)");
            if (!keys.add(p.publicKey())) throw invalid(where + ".public_key: listed twice");
            if (p.endpoint() != null && !p.endpoint().isEmpty()) {
                endpoint(where + ".endpoint", p.endpoint());
                endpoints.add(address(p.endpoint().substring(0, p.endpoint().indexOf(':'))));
            }
            if (p.keepalive() < 0 || p.keepalive() > 65535) throw invalid(where + ".keepalive: " + p.keepalive() + " (0-65535 s)");
            total += p.allowedIps().size();
            if (total > MAX_ALLOWED_IPS) throw invalid(where + ".allowed_ips: at most " + MAX_ALLOWED_IPS + " prefixes in all");
        }
        Set<String> carried = new HashSet<>();
        for (int i = 0; i < peers.size(); i++) {
            String where = "overlay.peers[" + i + "].allowed_ips";
            for (String ip : peers.get(i).allowedIps()) {
                cidr(where, ip);
                long[] net = network(ip);
                if (net[0] != (net[0] & mask((int) net[1]))) throw invalid(where + ": " + ip + " has host bits set");
                if (net[1] < SHORTEST_PREFIX) throw invalid(where + ": " + ip + " is wider than a /" + SHORTEST_PREFIX);
                for (long e : endpoints) {
                    if ((e & mask((int) net[1])) == net[0]) throw invalid(where + ": " + ip + " holds a peer's endpoint (its packets would loop)");
                }
                if (!carried.add(ip)) throw invalid(where + ": " + ip + " is carried by another peer too");
            }
        }
        return this;
    }

    /**
     * A WireGuard key: 44 characters of standard base64 for 32 bytes, in the one spelling wg(8) takes (Java's decoder
     * ignores the unused bits of the last character; wg refuses a key where they are set).
     */
    public static boolean isKey(String key) {
        if (key == null || key.length() != 44) return false;
        try {
            byte[] raw = Base64.getDecoder().decode(key);
            return raw.length == 32 && Base64.getEncoder().encodeToString(raw).equals(key);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** An IPv4 address with its prefix length, {@code a.b.c.d/n}, in decimal without leading zeros. */
    static void cidr(String field, String value) {
        if (value == null || !CIDR.matcher(value).matches()) throw invalid(field + ": " + value + " is not an IPv4 prefix (a.b.c.d/n, 0-32)");
    }

    static void endpoint(String field, String value) {
        var m = ENDPOINT.matcher(value);
        if (!m.matches() || Integer.parseInt(m.group(5)) > 65535) throw invalid(field + ": " + value + " is not ipv4:port");
    }

    /** {address, length} of a checked prefix. */
    private static long[] network(String prefix) {
        int slash = prefix.indexOf('/');
        return new long[] {address(prefix.substring(0, slash)), Integer.parseInt(prefix.substring(slash + 1))};
    }

    private static long address(String dotted) {
        long a = 0;
        for (String octet : dotted.split("\\.")) a = a << 8 | Integer.parseInt(octet);
        return a;
    }

    private static long mask(int bits) {
        return bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
    }

    private static HelperException invalid(String message) {
        return new HelperException(HelperError.INVALID, message);
    }
}
