package dev.yoq.app;

import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.SnapshotReader;
import dev.yoq.model.ReleaseRecord;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Releases' snapshots as models, for the monitors that look one up every few seconds per container. A stored
 * snapshot never changes, so the newest {@value #KEPT} read stay parsed; older ones are read again if needed.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ReleaseSnapshots {
    static final int KEPT = 64;

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    private final Map<String, Manifest> parsed = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Manifest> eldest) {
            return size() > KEPT;
        }
    };

    /** The release's snapshot, or null when there is no such release (compacted away). */
    public Manifest of(String releaseId) {
        if (releaseId == null) return null;
        synchronized (parsed) {
            Manifest m = parsed.get(releaseId);
            if (m != null) return m;
        }
        ReleaseRecord r = em.find(ReleaseRecord.class, releaseId);
        if (r == null) return null;
        Manifest m = SnapshotReader.read(r.getConfigSnapshot());
        synchronized (parsed) {
            parsed.put(releaseId, m);
        }
        return m;
    }

    /** The snapshot's service of that name, or null. */
    public Manifest.Service service(String releaseId, String name) {
        Manifest m = of(releaseId);
        return m == null ? null : m.services().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }
}
