package dev.yoq.state;

import dev.yoq.cluster.agent.NodeNumbers;
import dev.yoq.model.AuditEntry;
import jakarta.persistence.EntityManager;
import java.util.List;

/**
 * The state machine's agent commands (spec §5.2, §5.3, §5.5), on the replicated {@code agents},
 * {@code assignments} and {@code wireguard_peers} tables. Plain SQL: these rows are read by the routes as JSON.
 */
final class AgentTransitions {
    private AgentTransitions() {}

    static Object apply(Command<?> command, EntityManager em) {
        if (command instanceof Command.RegisterAgent c) return register(c, em);
        if (command instanceof Command.RecordHeartbeats c) return heartbeats(c, em);
        if (command instanceof Command.DrainAgent c) return drain(c, em);
        if (command instanceof Command.MarkAgentsOffline c) return offline(c, em);
        if (command instanceof Command.ForgetAgents c) return forget(c, em);
        if (command instanceof Command.SetAgentLabels c) {
            requireAgent(c.id(), em);
            em.createNativeQuery("UPDATE agents SET labels = ?1 WHERE id = ?2").setParameter(1, c.labels()).setParameter(2, c.id()).executeUpdate();
            return null;
        }
        throw new IllegalArgumentException(command.getClass().getName());
    }

    private static Command.AgentRegistered register(Command.RegisterAgent c, EntityManager em) {
        if (count(em, "SELECT COUNT(*) FROM agents WHERE id = ?1", c.id()) > 0) {
            throw new CommandRejectedException("agent id " + c.id() + " is taken");
        }
        Integer nodeId = null;
        String overlay = null;
        if (c.wgPublicKey() != null) {
            // a node registering again (its old agent not forgotten yet) keeps its node id, and so its overlay address
            // and container subnet, which its server leases from; WireGuard takes one peer per key anyway
            @SuppressWarnings("unchecked")
            List<Number> same = em.createNativeQuery("SELECT node_id FROM wireguard_peers WHERE public_key = ?1")
                    .setParameter(1, c.wgPublicKey()).getResultList();
            em.createNativeQuery("DELETE FROM wireguard_peers WHERE public_key = ?1").setParameter(1, c.wgPublicKey()).executeUpdate();
            for (Number old : same) {   // the old agent row gives up the number (agents.node_id is unique)
                em.createNativeQuery("UPDATE agents SET node_id = NULL, overlay_ip = NULL, wg_public_key = NULL WHERE node_id = ?1")
                        .setParameter(1, old.intValue()).executeUpdate();
            }
            @SuppressWarnings("unchecked")
            List<Number> taken = em.createNativeQuery("SELECT node_id FROM wireguard_peers").getResultList();
            nodeId = same.isEmpty() ? NodeNumbers.lowestFreeNodeId(taken.stream().map(Number::intValue).toList()) : same.get(0).intValue();
            overlay = NodeNumbers.overlayIp(nodeId);
            em.createNativeQuery("INSERT INTO wireguard_peers (node_id, agent_id, public_key, endpoint, overlay_ip, container_subnet) "
                            + "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                    .setParameter(1, nodeId).setParameter(2, c.id()).setParameter(3, c.wgPublicKey())
                    .setParameter(4, c.address() + ":" + c.wgListenPort()).setParameter(5, overlay)
                    .setParameter(6, NodeNumbers.containerSubnet(nodeId)).executeUpdate();
        }
        em.createNativeQuery("INSERT INTO agents (id, address, agent_api_port, status, cpu_cores, memory_mb, last_heartbeat, "
                        + "registered_at, node_id, wg_public_key, overlay_ip, role, region, labels, gpu_count, gpu_model, gpu_vram_mb, "
                        + "token_hash) VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?6, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)")
                .setParameter(1, c.id()).setParameter(2, c.address()).setParameter(3, c.agentApiPort())
                .setParameter(4, c.cpuCores()).setParameter(5, c.memoryMb()).setParameter(6, c.at())
                .setParameter(7, nodeId).setParameter(8, c.wgPublicKey()).setParameter(9, overlay)
                .setParameter(10, c.role()).setParameter(11, c.region()).setParameter(12, c.labels() == null ? "" : c.labels())
                .setParameter(13, c.gpuCount()).setParameter(14, c.gpuModel()).setParameter(15, c.gpuVramMb())
                .setParameter(16, c.tokenHash()).executeUpdate();
        ClusterVolumeTransitions.followNode(c.id(), c.wgPublicKey(), em);   // its local volumes are on its disk still
        em.persist(new AuditEntry(c.at(), "join-token", "agent_register", c.id(), "ok"));
        return new Command.AgentRegistered(c.id(), nodeId, overlay);
    }

    private static Integer heartbeats(Command.RecordHeartbeats c, EntityManager em) {
        int recorded = 0;
        for (Command.Heartbeat h : c.heartbeats()) {
            recorded += em.createNativeQuery("UPDATE agents SET cpu_cores = ?1, memory_mb = ?2, cpu_used = ?3, memory_used_mb = ?4, "
                            + "containers = ?5, gpu_count = ?6, gpu_used = ?7, gpu_health = ?8, last_heartbeat = ?9, "
                            + "status = CASE status WHEN 'offline' THEN 'active' ELSE status END, "
                            + "offline_since = CASE status WHEN 'offline' THEN NULL ELSE offline_since END "
                            + "WHERE id = ?10 AND last_heartbeat <= ?9")
                    .setParameter(1, h.cpuCores()).setParameter(2, h.memoryMb()).setParameter(3, h.cpuUsed())
                    .setParameter(4, h.memoryUsedMb()).setParameter(5, h.containers()).setParameter(6, h.gpuCount())
                    .setParameter(7, h.gpuUsed()).setParameter(8, h.gpuHealth()).setParameter(9, h.at())
                    .setParameter(10, h.agentId()).executeUpdate();
        }
        return recorded;
    }

    private static String drain(Command.DrainAgent c, EntityManager em) {
        requireAgent(c.id(), em);
        em.createNativeQuery("UPDATE agents SET status = 'draining', offline_since = NULL WHERE id = ?1").setParameter(1, c.id()).executeUpdate();
        em.persist(new AuditEntry(c.at(), c.actor(), "agent_drain", c.id(), "ok"));
        return "draining";
    }

    private static Integer offline(Command.MarkAgentsOffline c, EntityManager em) {
        int marked = 0;
        for (String id : c.ids()) {
            int n = em.createNativeQuery("UPDATE agents SET status = 'offline', offline_since = ?1 "
                            + "WHERE id = ?2 AND status = 'active' AND last_heartbeat < ?3")
                    .setParameter(1, c.at()).setParameter(2, id).setParameter(3, c.silentBefore()).executeUpdate();
            if (n == 0) continue;   // a heartbeat or a drain came first
            marked++;
            em.createNativeQuery("UPDATE assignments SET agent_id = '', status = 'pending', status_reason = 'agent offline' "
                    + "WHERE agent_id = ?1 AND status IN ('pending', 'running')").setParameter(1, id).executeUpdate();
        }
        return marked;
    }

    private static Integer forget(Command.ForgetAgents c, EntityManager em) {
        int forgotten = 0;
        for (String id : c.ids()) {
            int n = em.createNativeQuery("DELETE FROM agents WHERE id = ?1 AND status = 'offline' AND offline_since < ?2")
                    .setParameter(1, id).setParameter(2, c.offlineBefore()).executeUpdate();
            if (n == 0) continue;
            forgotten++;
            em.createNativeQuery("DELETE FROM assignments WHERE agent_id = ?1 AND status IN ('stopped', 'failed')").setParameter(1, id).executeUpdate();
            em.createNativeQuery("DELETE FROM wireguard_peers WHERE agent_id = ?1").setParameter(1, id).executeUpdate();
        }
        if (forgotten > 0) ClusterServiceTransitions.dropUnused(em);
        return forgotten;
    }

    private static void requireAgent(String id, EntityManager em) {
        if (count(em, "SELECT COUNT(*) FROM agents WHERE id = ?1", id) == 0) throw new CommandRejectedException("no such agent: " + id);
    }

    private static long count(EntityManager em, String sql, Object param) {
        return ((Number) em.createNativeQuery(sql).setParameter(1, param).getSingleResult()).longValue();
    }
}
