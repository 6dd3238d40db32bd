package dev.yoq.security;

import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The audit trail as users read it ({@code GET /v1/audit}, {@code yoq audit}): newest first, filtered by time,
 * actor and action, at most {@value #MAX_LIMIT} entries a read. Retention is bounded: every hour entries older
 * than {@value #RETENTION_DAYS} days go, and the trail never keeps more than {@value #MAX_ENTRIES} entries.
 */
@Singleton
@jakarta.ejb.Lock(jakarta.ejb.LockType.READ)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class AuditService {
    private static final Logger LOG = Logger.getLogger(AuditService.class.getName());
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    public static final int RETENTION_DAYS = 90;
    public static final int MAX_ENTRIES = 100_000;

    public record Entry(long recordedAt, String actor, String action, String target, String outcome) {}

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    @Inject
    CommandBus bus;

    public void record(String actor, String action, String target, String outcome) {
        bus.submit(new Command.RecordAudit(actor, action, target, outcome, System.currentTimeMillis()));
    }

    /** {@code since}: epoch ms, or null; {@code actor}, {@code action}: exact, or null; limit clamped to 1..500. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<Entry> list(Integer limit, Long since, String actor, String action) {
        int n = limit == null ? DEFAULT_LIMIT : Math.max(1, Math.min(MAX_LIMIT, limit));
        StringBuilder sql = new StringBuilder("SELECT recorded_at, actor, action, target, outcome FROM audit_log WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (since != null) { sql.append(" AND recorded_at >= ?").append(params.size() + 1); params.add(since); }
        if (actor != null) { sql.append(" AND actor = ?").append(params.size() + 1); params.add(actor); }
        if (action != null) { sql.append(" AND action = ?").append(params.size() + 1); params.add(action); }
        sql.append(" ORDER BY recorded_at DESC, id DESC LIMIT ").append(n);
        Query q = em.createNativeQuery(sql.toString());
        for (int i = 0; i < params.size(); i++) q.setParameter(i + 1, params.get(i));
        List<Entry> all = new ArrayList<>();
        for (Object row : q.getResultList()) {
            Object[] r = (Object[]) row;
            all.add(new Entry(((Number) r[0]).longValue(), (String) r[1], (String) r[2], (String) r[3], (String) r[4]));
        }
        return all;
    }

    @Schedule(hour = "*", minute = "17", persistent = false)
    public void prune() {
        try {
            int gone = bus.submit(new Command.PruneAudit(System.currentTimeMillis() - RETENTION_DAYS * 86_400_000L, MAX_ENTRIES));
            if (gone > 0) LOG.info("audit retention: " + gone + " entries older than " + RETENTION_DAYS + " days or beyond the newest " + MAX_ENTRIES + " dropped");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "audit retention failed; trying again in an hour", e);
        }
    }
}
