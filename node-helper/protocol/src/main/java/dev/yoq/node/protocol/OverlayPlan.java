package dev.yoq.node.protocol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which WireGuard peers a node has (spec §5.5: hub and spoke), as a pure function of the cluster's peer list. Hubs
 * are the nodes whose role is not {@code agent} (servers, and {@code both}); they peer with every node and forward.
 * An {@code agent} peers with the hubs only: each hub carries its own overlay address and container subnet, and
 * one hub, the relay (the lowest node id among the hubs the servers hear, so every agent picks the same one and
 * replies take the path their requests took), also carries every other agent's. WireGuard takes a prefix from one peer only, hence one relay.
 */
public final class OverlayPlan {
    /** The spec's keepalive, so a node behind NAT stays reachable. */
    public static final int KEEPALIVE_S = 25;

    private OverlayPlan() {}

    /**
     * A row of {@code GET /wireguard/peers}, with whether the node is a hub ({@code servers_only} lists it) and
     * whether the servers hear it ({@code online}: not offline by the heartbeat rule).
     */
    public record Node(int nodeId, String agentId, String publicKey, String endpoint, String overlayIp, String containerSubnet, boolean hub,
                       boolean online) {}

    /**
     * The overlay for agent {@code selfAgentId}, or empty when the list does not have it (registered without a key).
     * The address is the overlay IP on the overlay's /24 (spec); the port is the one in its recorded endpoint.
     */
    public static Optional<OverlaySpec> plan(String selfAgentId, List<Node> nodes) {
        Node self = nodes.stream().filter(n -> n.agentId().equals(selfAgentId)).findFirst().orElse(null);
        if (self == null) return Optional.empty();
        List<Node> others = nodes.stream().filter(n -> n != self).sorted(Comparator.comparingInt(Node::nodeId)).toList();
        List<OverlaySpec.Peer> peers = new ArrayList<>();
        if (self.hub()) {
            for (Node n : others) peers.add(peer(n, List.of()));
        } else {
            List<Node> hubs = others.stream().filter(Node::hub).toList();
            List<Node> agents = others.stream().filter(n -> !n.hub()).toList();
            int relay = relay(hubs);
            for (int i = 0; i < hubs.size(); i++) peers.add(peer(hubs.get(i), i == relay ? agents : List.of()));
        }
        return Optional.of(new OverlaySpec(self.overlayIp() + "/24", port(self.endpoint()), self.hub(), peers));
    }

    /**
     * The relay among the hubs (in node id order): the first the servers hear, so agents keep reaching each other
     * while the lowest hub is down; every agent reads the same list, so all move together. None heard: the first.
     */
    static int relay(List<Node> hubs) {
        for (int i = 0; i < hubs.size(); i++) if (hubs.get(i).online()) return i;
        return 0;
    }

    private static OverlaySpec.Peer peer(Node n, List<Node> relayed) {
        List<String> allowed = new ArrayList<>(carried(n));
        for (Node r : relayed) allowed.addAll(carried(r));
        return new OverlaySpec.Peer(n.publicKey(), n.endpoint(), allowed, KEEPALIVE_S);
    }

    private static List<String> carried(Node n) {
        return n.containerSubnet() == null || n.containerSubnet().isEmpty() ? List.of(n.overlayIp() + "/32")
                : List.of(n.overlayIp() + "/32", n.containerSubnet());
    }

    /** The port of {@code ip:port}; the spec's 51820 when the endpoint has none. */
    static int port(String endpoint) {
        int colon = endpoint == null ? -1 : endpoint.lastIndexOf(':');
        try {
            return colon < 0 ? 51820 : Integer.parseInt(endpoint.substring(colon + 1));
        } catch (NumberFormatException e) {
            return 51820;
        }
    }
}
