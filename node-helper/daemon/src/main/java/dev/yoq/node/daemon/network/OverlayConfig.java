package dev.yoq.node.daemon.network;

import dev.yoq.node.protocol.OverlaySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The overlay's pure parts: the configuration {@code wg syncconf} takes, the routes the interface must carry, and
 * what {@code ip} and {@code wg show dump} print read back. No I/O here; {@link WireguardOverlay} runs the tools.
 */
final class OverlayConfig {
    private static final java.util.regex.Pattern ROUTE = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?");

    private OverlayConfig() {}

    /** wg(8)'s configuration format: the whole interface, so syncconf removes peers that are no longer listed. */
    static String render(String privateKey, OverlaySpec spec) {
        StringBuilder conf = new StringBuilder("[Interface]\nPrivateKey = ").append(privateKey)
                .append("\nListenPort = ").append(spec.listenPort()).append('\n');
        for (OverlaySpec.Peer p : spec.peers()) {
            conf.append("\n[Peer]\nPublicKey = ").append(p.publicKey()).append('\n');
            if (p.endpoint() != null && !p.endpoint().isEmpty()) conf.append("Endpoint = ").append(p.endpoint()).append('\n');
            if (!p.allowedIps().isEmpty()) conf.append("AllowedIPs = ").append(String.join(", ", p.allowedIps())).append('\n');
            if (p.keepalive() > 0) conf.append("PersistentKeepalive = ").append(p.keepalive()).append('\n');
        }
        return conf.toString();
    }

    /** Every prefix a peer carries gets a route through the interface (WireGuard then picks the peer by prefix). */
    static Set<String> routes(OverlaySpec spec) {
        Set<String> routes = new LinkedHashSet<>();
        for (OverlaySpec.Peer p : spec.peers()) for (String ip : p.allowedIps()) routes.add(normal(ip));
        return routes;
    }

    /** What to change: routes to add (or replace) and the ones of ours to delete, from {@code ip -4 -o route show dev X}. */
    record RouteChanges(List<String> add, List<String> delete) {}

    static RouteChanges diff(Set<String> wanted, String ipRouteShow) {
        Set<String> present = routes(ipRouteShow);
        List<String> add = new ArrayList<>();
        for (String r : wanted) if (!present.contains(r)) add.add(r);
        List<String> delete = new ArrayList<>();
        for (String r : present) if (!wanted.contains(r)) delete.add(r);
        return new RouteChanges(add, delete);
    }

    /** The routes of ours in {@code ip -4 -o route show dev X} (not the kernel's one for the address's own prefix). */
    static Set<String> routes(String ipRouteShow) {
        Set<String> present = new LinkedHashSet<>();
        for (String line : ipRouteShow.split("\n")) {
            String[] f = line.strip().split("\\s+");
            // the address's own prefix is the kernel's; a line that is not a route of ours is not touched
            if (f.length == 0 || !ROUTE.matcher(f[0]).matches() || line.contains("proto kernel")) continue;
            present.add(normal(f[0]));
        }
        return present;
    }

    /** ip prints a /32 without its length. */
    static String normal(String prefix) {
        return prefix.contains("/") ? prefix : prefix + "/32";
    }

    /** The interface's IPv4 addresses with their lengths, from {@code ip -4 -o addr show dev X}. */
    static List<String> addresses(String ipAddrShow) {
        List<String> found = new ArrayList<>();
        for (String line : ipAddrShow.split("\n")) {
            String[] f = line.strip().split("\\s+");
            for (int i = 0; i + 1 < f.length; i++) if (f[i].equals("inet")) found.add(f[i + 1]);
        }
        return found;
    }

    /**
     * {@code wg show X dump}: the interface line (private key, public key, port, fwmark), then one line per peer
     * (public key, preshared key, endpoint, allowed ips, latest handshake, rx, tx, keepalive). The private key and
     * preshared keys are not kept.
     */
    static Map<String, Object> status(String dump) {
        Map<String, Object> status = new LinkedHashMap<>();
        List<Map<String, Object>> peers = new ArrayList<>();
        String[] lines = dump.strip().split("\n");
        for (int i = 0; i < lines.length; i++) {
            String[] f = lines[i].split("\t");
            if (i == 0 && f.length >= 3) {
                status.put("public_key", f[1]);
                status.put("listen_port", parseLong(f[2]));
            } else if (i > 0 && f.length >= 8) {
                Map<String, Object> peer = new LinkedHashMap<>();
                peer.put("public_key", f[0]);
                peer.put("endpoint", "(none)".equals(f[2]) ? null : f[2]);
                peer.put("allowed_ips", "(none)".equals(f[3]) ? List.of() : List.of(f[3].split(",")));
                peer.put("latest_handshake", parseLong(f[4]));
                peer.put("rx_bytes", parseLong(f[5]));
                peer.put("tx_bytes", parseLong(f[6]));
                peers.add(peer);
            }
        }
        status.put("peers", peers);
        return status;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
