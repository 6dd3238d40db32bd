package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.node.protocol.OverlayPlan;
import dev.yoq.node.protocol.OverlaySpec;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The joined node's side of the WireGuard overlay (spec §5.5): its key comes from this node's server (the helper
 * makes it and keeps the private half), registration sends the public half, and each heartbeat cycle the cluster's
 * peer list is turned into this node's peers ({@link OverlayPlan}) and handed to this node's server when it changed
 * (and once a minute, which also repairs an interface that went away). Nothing is set up while the node's server
 * leases container addresses from another subnet than the one the cluster routes to it: its containers would not
 * be reachable, and a route for a subnet it uses would take its own traffic.
 */
final class AgentOverlay {
    static final long REAPPLY_MS = 60_000;

    private final Supplier<ApiClient> local;
    private final PrintStream out;
    private final PrintStream err;
    private OverlaySpec applied;
    private long appliedAt;
    private String lastProblem;

    AgentOverlay(Supplier<ApiClient> local, PrintStream out, PrintStream err) {
        this.local = local;
        this.out = out;
        this.err = err;
    }

    /** This node's public key, made by its helper on the first call; null (said once) when its server cannot. */
    String publicKey() {
        try {
            return local.get().put("/v1/node/overlay", Map.of()).json().path("public_key").asText(null);
        } catch (CliException e) {
            problem("no WireGuard key from this node's server, joining without the overlay: " + e.getMessage());
            return null;
        }
    }

    /** One cycle: read the peers from {@code cluster}, and apply this node's part when it changed or is due. */
    void sync(ApiClient cluster, String agentId, long nowMs) {
        try {
            List<OverlayPlan.Node> nodes = nodes(cluster.get("/wireguard/peers").json(), hubIds(cluster.get("/wireguard/peers?servers_only=1").json()));
            Optional<OverlaySpec> plan = OverlayPlan.plan(agentId, nodes);
            if (plan.isEmpty()) return;   // registered without a key: no overlay for this node
            OverlaySpec spec = plan.get();
            if (spec.equals(applied) && nowMs - appliedAt < REAPPLY_MS) return;
            String wanted = subnetOf(agentId, nodes);
            JsonNode status = local.get().get("/v1/node/overlay").json();
            String leased = status.path("container_subnet").asText("");
            if (wanted != null && !wanted.equals(leased)) {
                problem("overlay: this node's server leases container addresses from " + leased + " but the cluster routes "
                        + wanted + " to it; restart it with YOQ_SUBNET=" + wanted + " (yoq server stop, then YOQ_SUBNET=" + wanted
                        + " yoq server start). The overlay stays down until then");
                return;
            }
            local.get().put("/v1/node/overlay", spec);
            if (applied == null || !applied.peers().equals(spec.peers())) {
                out.println("overlay: " + spec.address() + " with " + spec.peers().size() + " peer(s)" + (spec.forward() ? ", forwarding (hub)" : ""));
            }
            applied = spec;
            appliedAt = nowMs;
            lastProblem = null;
        } catch (RuntimeException e) {   // a scheduled run that threw would never run again
            problem("overlay: " + e.getMessage());
        }
    }

    /** Says a problem once, not every cycle. */
    private void problem(String message) {
        if (!message.equals(lastProblem)) err.println(message);
        lastProblem = message;
    }

    static Set<String> hubIds(JsonNode serversOnly) {
        Set<String> ids = new HashSet<>();
        for (JsonNode row : serversOnly) ids.add(row.path("agent_id").asText());
        return ids;
    }

    /** The rows of {@code GET /wireguard/peers}; a row without a key or address (an older server's) is skipped. */
    static List<OverlayPlan.Node> nodes(JsonNode peers, Set<String> hubs) {
        List<OverlayPlan.Node> nodes = new ArrayList<>();
        for (JsonNode row : peers) {
            String id = row.path("agent_id").asText("");
            String key = row.path("public_key").asText("");
            String overlayIp = row.path("overlay_ip").asText("");
            if (id.isEmpty() || !OverlaySpec.isKey(key) || overlayIp.isEmpty()) continue;
            nodes.add(new OverlayPlan.Node(row.path("node_id").asInt(), id, key, row.path("endpoint").asText(null), overlayIp,
                    row.path("container_subnet").asText(null), hubs.contains(id)));
        }
        return nodes;
    }

    private static String subnetOf(String agentId, List<OverlayPlan.Node> nodes) {
        return nodes.stream().filter(n -> n.agentId().equals(agentId)).map(OverlayPlan.Node::containerSubnet).findFirst().orElse(null);
    }
}
