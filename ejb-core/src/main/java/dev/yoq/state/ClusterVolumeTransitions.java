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

    /** Work {@code details} placed on {@code agentId}: that agent holds the local volumes it mounts that nobody holds yet. */
    static void hold(String app, String details, String agentId, long at, EntityManager em) {
        for (String volume : RunDetails.localVolumes(details)) {
            em.createNativeQuery("INSERT OR IGNORE INTO cluster_volumes (app_name, name, agent_id, created_at) VALUES (?1, ?2, ?3, ?4)")
                    .setParameter(1, app).setParameter(2, volume).setParameter(3, agentId).setParameter(4, at).executeUpdate();
        }
    }
}
