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
    private final java.nio.file.Path keptSubnet;
    private final PrintStream out;
    private final PrintStream err;
    private OverlaySpec applied;
    private long appliedAt;
    private String lastProblem;

    /** {@code keptSubnet}: where the node's cluster subnet is kept for its server's next start. */
    AgentOverlay(Supplier<ApiClient> local, java.nio.file.Path keptSubnet, PrintStream out, PrintStream err) {
        this.local = local;
        this.keptSubnet = keptSubnet;
        this.out = out;
        this.err = err;
    }

    /** Tries for the key before registering: a node's server may still be starting when join starts at boot. */
    static final int KEY_ATTEMPTS = 6;
    static final long KEY_RETRY_MS = 5_000;

    /**
     * This node's public key, made by its helper on the first call; null (said) when its server cannot give one
     * within {@link #KEY_ATTEMPTS} tries: the node then joins without the overlay.
     */
    String publicKey() throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return local.get().put("/v1/node/overlay", Map.of()).json().path("public_key").asText(null);
            } catch (CliException e) {
                if (attempt >= KEY_ATTEMPTS) {
                    err.println("no WireGuard key from this node's server, joining without the overlay: " + e.getMessage());
                    return null;
                }
                Thread.sleep(KEY_RETRY_MS);
            }
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
            spec.validated();
            OverlayPlan.Node self = nodes.stream().filter(n -> n.agentId().equals(agentId)).findFirst().orElseThrow();
            String wanted = self.containerSubnet();
            JsonNode status = local.get().get("/v1/node/overlay").json();
            String key = status.path("public_key").asText("");
            if (!key.isEmpty() && !key.equals(self.publicKey())) {
                problem("overlay: this node's WireGuard key is not the one the cluster has for it (was its data directory "
                        + "replaced?); the overlay stays down. Stop join, remove its agent_id file and join again");
                return;
            }
            String leased = status.path("container_subnet").asText("");
            if (wanted != null && !wanted.equals(leased)) {
                keep(wanted);
                problem("overlay: this node's server leases container addresses from " + leased + " but the cluster routes "
                        + wanted + " to it. " + wanted + " is kept in " + keptSubnet + " for the node's next start; restart the node "
                        + "on it (its containers must be recreated in it): yoq server stop; pkill -f yoq-node.jar; yoq server start. "
                        + "The overlay stays down until then");
                return;
            }
            // the helper's names are snake_case (listen_port, public_key, allowed_ips): its own mapper writes them
            local.get().put("/v1/node/overlay", dev.yoq.node.protocol.MessageCodec.SHARED.mapper().valueToTree(spec));
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

    /** The subnet for the node's next start, written aside and moved into place (whole or absent). */
    private void keep(String subnet) {
        try {
            if (java.nio.file.Files.isRegularFile(keptSubnet) && java.nio.file.Files.readString(keptSubnet).strip().equals(subnet)) return;
            java.nio.file.Files.createDirectories(keptSubnet.getParent());
            java.nio.file.Path aside = keptSubnet.resolveSibling(keptSubnet.getFileName() + ".tmp");
            java.nio.file.Files.writeString(aside, subnet + "\n");
            java.nio.file.Files.move(aside, keptSubnet, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            problem("overlay: cannot keep the node's subnet in " + keptSubnet + ": " + e.getMessage());
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

    /**
     * The rows of {@code GET /wireguard/peers}; a row without a key or address (an older server's) is skipped, and of
     * rows sharing a key (the servers give a node that registers again its old row; an older server may not) the
     * highest node id is kept: WireGuard takes one peer per key, and one bad row must not stall every node's list.
     */
    static List<OverlayPlan.Node> nodes(JsonNode peers, Set<String> hubs) {
        java.util.Map<String, OverlayPlan.Node> byKey = new java.util.LinkedHashMap<>();
        for (JsonNode row : peers) {
            String id = row.path("agent_id").asText("");
            String key = row.path("public_key").asText("");
            String overlayIp = row.path("overlay_ip").asText("");
            if (id.isEmpty() || !OverlaySpec.isKey(key) || overlayIp.isEmpty()) continue;
            OverlayPlan.Node node = new OverlayPlan.Node(row.path("node_id").asInt(), id, key, row.path("endpoint").asText(null), overlayIp,
                    row.path("container_subnet").asText(null), hubs.contains(id), row.path("online").asBoolean(true));
            byKey.merge(key, node, (a, b) -> a.nodeId() >= b.nodeId() ? a : b);
        }
        return new ArrayList<>(byKey.values());
    }
}
