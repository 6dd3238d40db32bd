package dev.yoq.state;

import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state machine's commands on the replicated {@code assignments} table (spec §5.3): the scheduler's pass,
 * agents' status reports and removals. Plain SQL, like the other agent tables.
 */
final class AssignmentTransitions {
    static final Set<String> REPORTABLE = Set.of("running", "stopped", "failed");

    private AssignmentTransitions() {}

    static Object apply(Command<?> command, EntityManager em) {
        if (command instanceof Command.PlaceAssignments c) return place(c, em);
        if (command instanceof Command.ReportAssignment c) return report(c, em);
        if (command instanceof Command.RemoveAssignments c) return remove(c.ids(), em);
        throw new IllegalArgumentException(command.getClass().getName());
    }

    private static Integer place(Command.PlaceAssignments c, EntityManager em) {
        int changed = 0;
        for (Command.NewAssignment a : c.created()) {
            // an id already on record: a cron slot another leader (or an earlier pass) proposed first keeps its run
            if (count(em, "SELECT COUNT(*) FROM assignments WHERE id = ?1", a.id()) > 0) continue;
            // a worker's or cron's run decided before its app went down does not outlive the down
            if (!"service".equals(a.workloadKind()) && a.workloadKind() != null
                    && count(em, "SELECT COUNT(*) FROM apps_down WHERE app_name = ?1", a.appName()) > 0) continue;
            // decided on the leader's earlier view: a replacement only while its original is still there and has
            // none yet (down or a release may have removed it meanwhile), an agent only while it is still active
            if (a.replaces() != null && (count(em, "SELECT COUNT(*) FROM assignments WHERE id = ?1", a.replaces()) == 0
                    || count(em, "SELECT COUNT(*) FROM assignments WHERE replaces = ?1", a.replaces()) > 0)) continue;
            boolean agentActive = a.agentId().isEmpty()
                    || count(em, "SELECT COUNT(*) FROM agents WHERE id = ?1 AND status = 'active'", a.agentId()) > 0;
            // a local volume it mounts went to another agent since the pass read the table
            String volumeElsewhere = a.agentId().isEmpty() ? null : ClusterVolumeTransitions.heldElsewhere(a.appName(), a.details(), a.agentId(), em);
            String agentId = agentActive && volumeElsewhere == null ? a.agentId() : "";
            String reason = !agentActive ? "agent " + a.agentId() + " is no longer active"
                    : volumeElsewhere != null ? "unschedulable: " + volumeElsewhere : a.reason();
            changed += em.createNativeQuery("INSERT INTO assignments (id, agent_id, image, command, status, status_reason, cpu_limit, "
                            + "memory_limit_mb, app_name, workload_kind, workload_name, release_id, replaces, created_at, required_labels, details) "
                            + "VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)")
                    .setParameter(1, a.id()).setParameter(2, agentId).setParameter(3, a.image()).setParameter(4, a.command())
                    .setParameter(5, reason).setParameter(6, a.cpuLimit()).setParameter(7, a.memoryLimitMb())
                    .setParameter(8, a.appName()).setParameter(9, a.workloadKind()).setParameter(10, a.workloadName())
                    .setParameter(11, a.releaseId()).setParameter(12, a.replaces()).setParameter(13, c.at())
                    .setParameter(14, a.requiredLabels() == null ? "" : a.requiredLabels())
                    .setParameter(15, a.details() == null ? "{}" : a.details()).executeUpdate();
            if (!agentId.isEmpty()) ClusterVolumeTransitions.hold(a.appName(), a.details(), agentId, c.at(), em);
            if (a.workloadKind() == null || "service".equals(a.workloadKind())) ClusterServiceTransitions.ensureVip(a.appName(), a.workloadName(), c.at(), em);
        }
        for (Command.Placement p : c.placed()) changed += placeWaiting(p, c.at(), em);
        for (Map.Entry<String, String> w : c.stillWaiting().entrySet()) {
            em.createNativeQuery("UPDATE assignments SET status_reason = ?1 WHERE id = ?2 AND agent_id = ''")
                    .setParameter(1, w.getValue()).setParameter(2, w.getKey()).executeUpdate();
        }
        return changed;
    }

    /**
     * Only work that is still waiting goes, to an agent that can still take it and holds the local volumes it
     * mounts (or they are nobody's yet): the pass may have read an older view.
     */
    @SuppressWarnings("unchecked")
    private static int placeWaiting(Command.Placement p, long at, EntityManager em) {
        List<Object[]> rows = em.createNativeQuery("SELECT app_name, details FROM assignments WHERE id = ?1").setParameter(1, p.id()).getResultList();
        if (rows.isEmpty()) return 0;
        String app = (String) rows.get(0)[0], details = (String) rows.get(0)[1];
        if (ClusterVolumeTransitions.heldElsewhere(app, details, p.agentId(), em) != null) return 0;
        int n = em.createNativeQuery("UPDATE assignments SET agent_id = ?1, status_reason = NULL, ip_address = NULL WHERE id = ?2 AND agent_id = '' "
                        + "AND status = 'pending' AND EXISTS (SELECT 1 FROM agents WHERE id = ?1 AND status = 'active')")
                .setParameter(1, p.agentId()).setParameter(2, p.id()).executeUpdate();
        if (n > 0) ClusterVolumeTransitions.hold(app, details, p.agentId(), at, em);
        return n;
    }

    private static String report(Command.ReportAssignment c, EntityManager em) {
        if (!REPORTABLE.contains(c.status())) throw new CommandRejectedException("invalid status value");
        Long finished = "running".equals(c.status()) ? null : c.at();
        String ip = c.ip() == null ? null : ClusterServiceTransitions.replicaAddress(c.agentId(), c.ip(), em);
        // a report with an address sets it (none when it is not one of the agent's); one without keeps the last
        int n = em.createNativeQuery("UPDATE assignments SET status = ?1, status_reason = ?2, finished_at = ?5, "
                        + "ip_address = CASE WHEN ?7 = 1 THEN ?6 ELSE ip_address END WHERE id = ?3 AND agent_id = ?4")
                .setParameter(1, c.status()).setParameter(2, c.reason()).setParameter(3, c.id()).setParameter(4, c.agentId())
                .setParameter(5, finished).setParameter(6, ip).setParameter(7, c.ip() == null ? 0 : 1).executeUpdate();
        if (n == 0) throw new CommandRejectedException("agent " + c.agentId() + " has no assignment " + c.id());
        return c.status();
    }

    private static long count(EntityManager em, String sql, String param) {
        return ((Number) em.createNativeQuery(sql).setParameter(1, param).getSingleResult()).longValue();
    }

    private static Integer remove(List<String> ids, EntityManager em) {
        int removed = 0;
        for (String id : ids) {
            removed += em.createNativeQuery("DELETE FROM assignments WHERE id = ?1").setParameter(1, id).executeUpdate();
        }
        ClusterServiceTransitions.dropUnused(em);
        return removed;
    }
}
