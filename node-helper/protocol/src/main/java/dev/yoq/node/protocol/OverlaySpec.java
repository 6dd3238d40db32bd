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
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");
    private static final Pattern ENDPOINT = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3}):(\\d{1,5})");

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
        Set<String> carried = new HashSet<>();
        for (int i = 0; i < peers.size(); i++) {
            Peer p = peers.get(i);
            String where = "overlay.peers[" + i + "]";
            if (p == null) throw invalid(where + ": null");
            if (!isKey(p.publicKey())) throw invalid(where + ".public_key: not a WireGuard key (base64 of 32 bytes)");
            if (!keys.add(p.publicKey())) throw invalid(where + ".public_key: listed twice");
            if (p.endpoint() != null && !p.endpoint().isEmpty()) endpoint(where + ".endpoint", p.endpoint());
            if (p.allowedIps().size() > MAX_ALLOWED_IPS) throw invalid(where + ".allowed_ips: at most " + MAX_ALLOWED_IPS);
            for (String ip : p.allowedIps()) {
                cidr(where + ".allowed_ips", ip);
                if (!carried.add(ip)) throw invalid(where + ".allowed_ips: " + ip + " is carried by another peer too");
            }
            if (p.keepalive() < 0 || p.keepalive() > 65535) throw invalid(where + ".keepalive: " + p.keepalive() + " (0-65535 s)");
        }
        return this;
    }

    /** A WireGuard key: 44 characters of standard base64 for 32 bytes. */
    public static boolean isKey(String key) {
        if (key == null || key.length() != 44) return false;
        try {
            return Base64.getDecoder().decode(key).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** An IPv4 prefix without host bits: {@code a.b.c.d/n}. */
    static void cidr(String field, String value) {
        var m = value == null ? null : CIDR.matcher(value);
        if (m == null || !m.matches()) throw invalid(field + ": " + value + " is not an IPv4 prefix (a.b.c.d/n)");
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) throw invalid(field + ": " + value + " is not an IPv4 prefix (a.b.c.d/n)");
        }
        int bits = Integer.parseInt(m.group(5));
        if (bits > 32) throw invalid(field + ": " + value + " has a prefix over /32");
    }

    static void endpoint(String field, String value) {
        var m = ENDPOINT.matcher(value);
        if (!m.matches()) throw invalid(field + ": " + value + " is not ipv4:port");
        for (int i = 1; i <= 4; i++) if (Integer.parseInt(m.group(i)) > 255) throw invalid(field + ": " + value + " is not ipv4:port");
        int port = Integer.parseInt(m.group(5));
        if (port < 1 || port > 65535) throw invalid(field + ": " + value + " is not ipv4:port");
    }

    private static HelperException invalid(String message) {
        return new HelperException(HelperError.INVALID, message);
    }
}
