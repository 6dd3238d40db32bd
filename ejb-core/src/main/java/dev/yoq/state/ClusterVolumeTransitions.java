package dev.yoq.state;

import dev.yoq.cluster.work.RunDetails;
import jakarta.persistence.EntityManager;
import java.util.List;

/**
 * Which agent holds each local volume of an app on a cluster (replicated table {@code cluster_volumes}): the first
 * agent that gets work mounting it keeps it, and work mounting it goes to no other agent, whatever view the
 * leader's pass decided on. Reads replicated tables only, like every replicated transition.
 */
final class ClusterVolumeTransitions {
    private ClusterVolumeTransitions() {}

    /** The first local volume of work {@code details} that another agent than {@code agentId} holds; null when none does. */
    @SuppressWarnings("unchecked")
    static String heldElsewhere(String app, String details, String agentId, EntityManager em) {
        for (String volume : RunDetails.localVolumes(details)) {
            List<String> holder = em.createNativeQuery("SELECT agent_id FROM cluster_volumes WHERE app_name = ?1 AND name = ?2")
                    .setParameter(1, app).setParameter(2, volume).getResultList();
            if (!holder.isEmpty() && !holder.get(0).equals(agentId)) return "volume " + volume + " is on agent " + holder.get(0);
        }
        return null;
    }

    /**
     * Work {@code details} placed on {@code agentId}: that agent holds the local volumes it mounts that nobody holds
     * yet, and with it its node (by its WireGuard key, when it has one).
     */
    @SuppressWarnings("unchecked")
    static void hold(String app, String details, String agentId, long at, EntityManager em) {
        List<String> volumes = RunDetails.localVolumes(details);
        if (volumes.isEmpty()) return;
        List<String> keys = em.createNativeQuery("SELECT wg_public_key FROM agents WHERE id = ?1").setParameter(1, agentId).getResultList();
        String key = keys.isEmpty() ? null : keys.get(0);
        for (String volume : volumes) {
            em.createNativeQuery("INSERT OR IGNORE INTO cluster_volumes (app_name, name, agent_id, node_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
                    .setParameter(1, app).setParameter(2, volume).setParameter(3, agentId).setParameter(4, key).setParameter(5, at).executeUpdate();
        }
    }

    /**
     * A node registering again under a new agent id, with the WireGuard key it had: it holds its volumes again, but
     * only those whose holder is gone or offline (a key is public: a registration naming a live node's key must not
     * draw that node's stateful work away).
     */
    static void followNode(String agentId, String wgPublicKey, EntityManager em) {
        if (wgPublicKey == null) return;
        em.createNativeQuery("UPDATE cluster_volumes SET agent_id = ?1 WHERE node_key = ?2 AND agent_id NOT IN "
                        + "(SELECT id FROM agents WHERE status IN ('active', 'draining'))")
                .setParameter(1, agentId).setParameter(2, wgPublicKey).executeUpdate();
    }
}
