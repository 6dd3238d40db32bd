package dev.yoq.security.mtls;

import dev.yoq.security.SecretCipher;
import dev.yoq.security.SecretKeys;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's service CA and its services' leaves (spec §5.6), stored with their private keys sealed by the node's
 * secrets cipher, and the files a service's container gets under {@code /run/secrets}: {@value #CERT_FILE},
 * {@value #KEY_FILE} and {@value #CA_FILE}. On when {@code YOQ_SERVICE_MTLS=1} (the spec's switch) or when any
 * service declares {@code tls.peer} warn or require: then every service of every app has a leaf.
 */
@ApplicationScoped
public class ServiceCerts {
    /** Secret names starting so are refused: they are these files. */
    public static final String FILE_PREFIX = "yoq-mtls";
    public static final String CERT_FILE = "yoq-mtls.crt", KEY_FILE = "yoq-mtls.key", CA_FILE = "yoq-mtls-ca.crt";
    /** Sealed with these names as associated data: no secret can be named so (':'), and a row cannot stand in for another. */
    static final String CA_KEY_LABEL = "yoq:service-ca", LEAF_KEY_LABEL = "yoq:service-cert:";

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    @Inject
    CommandBus bus;

    @Inject
    SecretKeys keys;

    @Inject
    dev.yoq.cluster.ClusterInfo cluster;

    /** The CA's public side, as {@code GET /cluster/ca} shows it. */
    public record CaView(String certPem, long createdAt, long notAfter) {}

    /** A service's leaf without its key, as {@code yoq cert service} shows it. */
    public record LeafView(String service, String spiffeId, String certPem, long notBefore, long notAfter) {}

    public boolean enabled() {
        if (cluster.clustered()) return false;   // leaves for work on agents and the agents' proxies are not built yet
        if ("1".equals(System.getenv("YOQ_SERVICE_MTLS"))) return true;
        return ((Number) em.createNativeQuery("SELECT COUNT(*) FROM services WHERE tls_peer <> 'off'").getSingleResult()).longValue() > 0;
    }

    /** On a cluster: its leader makes the CA once, replicated with its key sealed by the keyset the servers share. */
    public boolean clusterCaDue() {
        return cluster.leadsStartedCluster() && caView() == null;
    }

    public CaView caView() {
        List<?> rows = em.createNativeQuery("SELECT cert_pem, created_at, not_after FROM cluster_ca WHERE id = 1").getResultList();
        if (rows.isEmpty()) return null;
        Object[] r = (Object[]) rows.get(0);
        return new CaView((String) r[0], ((Number) r[1]).longValue(), ((Number) r[2]).longValue());
    }

    /** The CA, made now when there is none (one at a time: the command refuses a second). */
    public synchronized ServiceCa.Issued ca() {
        List<?> rows = em.createNativeQuery("SELECT cert_pem, encrypted_key, key_nonce, key_tag FROM cluster_ca WHERE id = 1").getResultList();
        if (!rows.isEmpty()) {
            Object[] r = (Object[]) rows.get(0);
            byte[] key = keys.cipher().open(CA_KEY_LABEL, (byte[]) r[2], (byte[]) r[1], (byte[]) r[3]);
            return new ServiceCa.Issued(ServiceCa.parse((String) r[0]), key);
        }
        long now = System.currentTimeMillis();
        ServiceCa.Issued ca = ServiceCa.createCa(Instant.ofEpochMilli(now));
        SecretCipher.Sealed s = keys.cipher().seal(CA_KEY_LABEL, ca.keyPkcs8());
        bus.submit(new Command.PutServiceCa(ca.certPem(), s.nonceBase64(), s.ciphertextBase64(), s.tagBase64(), s.keyId(),
                ca.notAfter().toEpochMilli(), now));
        return ca;
    }

    public LeafView leafView(String service) {
        String pem = leafPem(service);
        if (pem == null) return null;
        var cert = ServiceCa.parse(pem);
        return new LeafView(service, ServiceCa.spiffeId(service), pem, cert.getNotBefore().getTime(), cert.getNotAfter().getTime());
    }

    private String leafPem(String service) {
        List<?> rows = em.createNativeQuery("SELECT cert_pem FROM service_certs WHERE service = ?1").setParameter(1, service).getResultList();
        return rows.isEmpty() ? null : (String) rows.get(0);
    }

    /**
     * The service's leaf, issued now when it has none, or (with {@code rotate}) when its one is due; returns whether
     * a new one was issued. Only the issuer rotates: it also gives the new leaf to every running replica, which a
     * replica starting meanwhile could not.
     */
    public synchronized boolean ensureLeaf(String service, Instant now, boolean rotate) {
        String pem = leafPem(service);
        if (pem != null && !(rotate && ServiceCa.due(ServiceCa.parse(pem), now))) return false;
        ServiceCa.Issued leaf = ServiceCa.issue(ca(), service, now);
        SecretCipher.Sealed s = keys.cipher().seal(LEAF_KEY_LABEL + service, leaf.keyPkcs8());
        bus.submit(new Command.PutServiceCert(service, leaf.certPem(), s.nonceBase64(), s.ciphertextBase64(), s.tagBase64(), s.keyId(),
                leaf.notAfter().toEpochMilli(), now.toEpochMilli()));
        return true;
    }

    /**
     * The mTLS files of a container: none unless mTLS is on and it is a replica of an app's service; its service's
     * leaf (issued now if needed), key and the CA otherwise.
     */
    public Map<String, byte[]> filesFor(String containerId) {
        String service = serviceOf(containerId);
        if (service == null || !enabled()) return Map.of();
        ensureLeaf(service, Instant.now(), false);
        List<?> rows = em.createNativeQuery("SELECT cert_pem, encrypted_key, key_nonce, key_tag FROM service_certs WHERE service = ?1")
                .setParameter(1, service).getResultList();
        if (rows.isEmpty()) throw new IllegalStateException("service " + service + " has no certificate (removed meanwhile?)");
        Object[] r = (Object[]) rows.get(0);
        byte[] key = keys.cipher().open(LEAF_KEY_LABEL + service, (byte[]) r[2], (byte[]) r[1], (byte[]) r[3]);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(CERT_FILE, ((String) r[0]).getBytes(StandardCharsets.US_ASCII));
        files.put(KEY_FILE, ServiceCa.pem("PRIVATE KEY", key).getBytes(StandardCharsets.US_ASCII));
        files.put(CA_FILE, ca().certPem().getBytes(StandardCharsets.US_ASCII));
        return files;
    }

    /** Whether a new container of this workload gets files (so it is made with its tmpfs before it starts). */
    public boolean wants(Command.Workload workload) {
        return workload != null && "service".equals(workload.kind()) && enabled();
    }

    /** The registry name of the service whose replica the container is; null for any other container. */
    String serviceOf(String containerId) {
        List<?> rows = em.createNativeQuery("SELECT app_name, workload_name FROM containers WHERE id = ?1 AND workload_kind = 'service'")
                .setParameter(1, containerId).getResultList();
        if (rows.isEmpty()) return null;
        Object[] r = (Object[]) rows.get(0);
        return r[0] == null || r[1] == null ? null : r[0] + "-" + r[1];
    }

    /** Every service's registry name, and the running (or created) replicas of one. */
    public List<String> services() {
        @SuppressWarnings("unchecked")
        List<String> names = em.createNativeQuery("SELECT service_name FROM services ORDER BY service_name").getResultList();
        return names;
    }

    public List<String> replicas(String service) {
        @SuppressWarnings("unchecked")
        List<String> ids = em.createNativeQuery("SELECT c.id FROM containers c JOIN services s ON s.app_name = c.app_name "
                        + "AND s.workload_name = c.workload_name WHERE s.service_name = ?1 AND c.workload_kind = 'service' "
                        + "AND c.status IN ('created', 'running')").setParameter(1, service).getResultList();
        return ids;
    }

    /** Whether the container still exists, created or running (a new certificate is still owed to it). */
    public boolean live(String containerId) {
        return !em.createNativeQuery("SELECT id FROM containers WHERE id = ?1 AND status IN ('created', 'running')")
                .setParameter(1, containerId).getResultList().isEmpty();
    }

    /** Forgets the leaves of services that are gone. */
    public void prune() {
        bus.submit(new Command.PruneServiceCerts());
    }
}
