package dev.yoq.edge;

import dev.yoq.app.ReleaseSnapshots;
import dev.yoq.manifest.Manifest;
import dev.yoq.model.ServiceRecord;
import dev.yoq.state.FreshReads;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which domains the manifests ask ACME certificates for: the services that exist now (so an app taken down asks for
 * nothing) with a TLS domain, as their app's newest finished release (completed or partially failed: its rollout is
 * over) describes them, when that has {@code [tls.acme]}.
 */
final class AcmeManifests {
    private AcmeManifests() {}

    /** Domain (lower case) to the manifest's ACME settings; a domain that is not one is left out (the manifest rules say so). */
    static Map<String, Manifest.Acme> wanted(EntityManager em, ReleaseSnapshots snapshots) {
        Map<String, Manifest.Acme> wanted = new TreeMap<>();
        List<ServiceRecord> services = FreshReads.fresh(em.createQuery("SELECT s FROM ServiceRecord s WHERE s.tlsDomain IS NOT NULL",
                ServiceRecord.class)).getResultList();
        for (ServiceRecord s : services) {
            Manifest.Service service = snapshots.service(finishedRelease(em, s.getAppName()), s.getWorkloadName());
            if (service == null || service.tls() == null || service.tls().acme() == null) continue;
            try {
                wanted.putIfAbsent(CertificatePem.domain(service.tls().domain()), service.tls().acme());
            } catch (IllegalArgumentException notADomain) {
                // the manifest's own rules refuse it; nothing to order
            }
        }
        return wanted;
    }

    /** The id of the app's newest release whose rollout is over, or null. */
    static String finishedRelease(EntityManager em, String app) {
        return FreshReads.fresh(em.createQuery("SELECT r.id FROM ReleaseRecord r WHERE r.appName = :a AND r.status IN ('completed', "
                + "'partially_failed') ORDER BY r.createdAt DESC, r.seq DESC", String.class).setParameter("a", app)).setMaxResults(1)
                .getResultList().stream().findFirst().orElse(null);
    }
}
