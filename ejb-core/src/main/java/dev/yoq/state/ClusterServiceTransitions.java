package dev.yoq.state;

import dev.yoq.network.Ipam;
import dev.yoq.node.protocol.NodeNames;
import jakarta.persistence.EntityManager;
import java.util.List;

/**
 * The VIPs of services whose replicas run on agents (replicated table {@code cluster_services}): one is taken when
 * a service's first replica is placed and given back when its last replica is removed. Cluster VIPs are the
 * highest free addresses of the spec's VIP range, so they never meet a node's own services (lowest free first) in
 * a node's dataplane. Reads replicated tables only, like every replicated transition.
 */
final class ClusterServiceTransitions {
    /** The spec's VIP range (§5.5); fixed, so every server allocates alike whatever its node settings. */
    static final String VIP_RANGE = "10.43.0.0/16";

    private ClusterServiceTransitions() {}

    /** The service {@code <app>-<workload>} has a VIP from now on (kept when it has one). */
    @SuppressWarnings("unchecked")
    static void ensureVip(String app, String workload, long at, EntityManager em) {
        if (app == null || workload == null) return;
        String name = Command.serviceName(app, workload);
        if (!em.createNativeQuery("SELECT name FROM cluster_services WHERE name = ?1").setParameter(1, name).getResultList().isEmpty()) return;
        List<String> used = em.createNativeQuery("SELECT vip_address FROM cluster_services").getResultList();
        String vip = Ipam.highestFree(used, VIP_RANGE);
        if (vip == null) throw new CommandRejectedException("no free cluster VIP left in " + VIP_RANGE);
        em.createNativeQuery("INSERT INTO cluster_services (name, app_name, workload_name, vip_address, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
                .setParameter(1, name).setParameter(2, app).setParameter(3, workload).setParameter(4, vip).setParameter(5, at).executeUpdate();
    }

    /**
     * A replica's reported address as it is recorded: it becomes a backend of its service's VIP on every node, so
     * only a leasable address of the agent's own container subnet (its WireGuard peer row) is kept. Any other (an
     * agent without the overlay, whose containers no other node reaches; a node still on its old subnet; a hostile
     * agent naming a VIP, a gateway or another node's container) is recorded as none: the replica runs, outside
     * every VIP. Only a malformed address is refused.
     */
    @SuppressWarnings("unchecked")
    static String replicaAddress(String agentId, String ip, EntityManager em) {
        if (!NodeNames.isIpv4(ip)) throw new CommandRejectedException("invalid ip " + ip);
        List<String> subnets = em.createNativeQuery("SELECT container_subnet FROM wireguard_peers WHERE agent_id = ?1")
                .setParameter(1, agentId).getResultList();
        if (subnets.isEmpty()) return null;
        String subnet = subnets.get(0);
        int a = NodeNames.address(ip);
        boolean leasable = NodeNames.contains(subnet, ip) && a >= NodeNames.firstLease(subnet) && a <= NodeNames.lastLease(subnet);
        return leasable ? ip : null;
    }

    /** Services none of whose replicas is assigned any more (a release dropped them, the app went down) give their VIP back. */
    static void dropUnused(EntityManager em) {
        em.createNativeQuery("DELETE FROM cluster_services WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.app_name = "
                + "cluster_services.app_name AND a.workload_name = cluster_services.workload_name AND COALESCE(a.workload_kind, 'service') = 'service')")
                .executeUpdate();
    }
}
