package dev.yoq.cluster.raft;

import jakarta.persistence.EntityManager;
import java.util.List;

/**
 * The bookkeeping rows of the replicated log, read and written inside the apply transaction: the last applied
 * (term, index) and each command id's outcome. Plain native SQL, so it needs no entity.
 */
final class AppliedLog {
    /** How many recent command ids are kept for de-duplication. */
    static final long KEEP_COMMANDS = 100_000;

    private AppliedLog() {
    }

    /** {term, index} of the last applied entry, or {0, -1} for a database that never applied one. */
    static long[] lastApplied(EntityManager em) {
        List<?> rows = em.createNativeQuery("SELECT term, log_index FROM raft_applied WHERE id = 1").getResultList();
        if (rows.isEmpty()) return new long[] {0, -1};
        Object[] row = (Object[]) rows.get(0);
        return new long[] {((Number) row[0]).longValue(), ((Number) row[1]).longValue()};
    }

    static void markApplied(EntityManager em, long term, long index) {
        em.createNativeQuery("INSERT INTO raft_applied (id, term, log_index) VALUES (1, ?1, ?2) "
                        + "ON CONFLICT (id) DO UPDATE SET term = excluded.term, log_index = excluded.log_index")
                .setParameter(1, term).setParameter(2, index).executeUpdate();
    }

    static String outcomeOf(EntityManager em, String commandId) {
        List<?> rows = em.createNativeQuery("SELECT outcome_json FROM raft_commands WHERE command_id = ?1")
                .setParameter(1, commandId).getResultList();
        return rows.isEmpty() ? null : (String) rows.get(0);
    }

    static void recordOutcome(EntityManager em, String commandId, long index, String outcomeJson) {
        em.createNativeQuery("INSERT INTO raft_commands (command_id, log_index, outcome_json) VALUES (?1, ?2, ?3)")
                .setParameter(1, commandId).setParameter(2, index).setParameter(3, outcomeJson).executeUpdate();
        if (index % 1000 == 0) {
            em.createNativeQuery("DELETE FROM raft_commands WHERE log_index < ?1")
                    .setParameter(1, index - KEEP_COMMANDS).executeUpdate();
        }
    }
}
