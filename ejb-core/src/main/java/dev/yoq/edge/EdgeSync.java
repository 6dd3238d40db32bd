package dev.yoq.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.yoq.model.ServiceRecord;
import dev.yoq.node.NodeClient;
import dev.yoq.node.protocol.ServiceVip;
import dev.yoq.state.FreshReads;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Keeps yoq-proxy's configuration in step: each time the services' dataplane computes the VIP table (every 250 ms,
 * and at once during rollouts) the proxy configuration is computed from it, the services' routes, the certificates
 * and the ACME answers, and sent through the helper when it changed, or every {@value #RESEND_MS} ms anyway (the
 * spec's control-plane sync). The helper keeps the last one for the proxy's restarts, so the proxy serves on while
 * the server is away.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class EdgeSync {
    private static final Logger LOG = Logger.getLogger(EdgeSync.class.getName());
    static final long RESEND_MS = 15_000;

    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @Inject
    dev.yoq.node.NodeConnector node;
    @EJB
    dev.yoq.server.ServerStartup startup;
    @EJB
    CertificateService certificates;

    private final Map<String, String> challenges = new ConcurrentHashMap<>();
    private List<CertificateService.Summary> certVersions;
    private List<ProxyConfigs.Cert> certs = List.of();
    private String lastSent;
    private long lastSentAt, generation, failures;
    private volatile String lastError;
    private volatile JsonNode lastStatus;

    /** Sends the configuration if it changed (or is due again); true when the proxy has the current one. */
    public synchronized boolean sync(List<ServiceVip> table) {
        ObjectNode config;
        try {
            config = config(table);
        } catch (RuntimeException e) {   // never in the way of the VIP table, which the caller sends next
            failures++;
            if (!String.valueOf(e.getMessage()).equals(lastError)) LOG.warning("edge: cannot compute yoq-proxy's configuration: " + e.getMessage());
            lastError = e.getMessage();
            return false;
        }
        String key = config.toString();
        long now = System.currentTimeMillis();
        if (key.equals(lastSent) && now - lastSentAt < RESEND_MS) return true;
        generation = Math.max(generation + 1, now);   // increases across server restarts too
        config.put("generation", generation);
        try (NodeClient client = node.open()) {
            lastStatus = client.proxyConfig(config);
            lastSent = key;
            lastSentAt = now;
            lastError = null;
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            failures++;
            if (!String.valueOf(e.getMessage()).equals(lastError)) LOG.warning("edge: cannot configure yoq-proxy: " + e.getMessage());
            lastError = e.getMessage();
            return false;
        }
    }

    ObjectNode config(List<ServiceVip> table) {
        List<ServiceRecord> services = new java.util.ArrayList<>(FreshReads.fresh(em.createQuery("SELECT s FROM ServiceRecord s",
                ServiceRecord.class)).getResultList());
        services.addAll(ProxyConfigs.clusterServices(clusterRoutes, services));
        return ProxyConfigs.build(services, table, certificates(), Map.copyOf(challenges), startup.settings().edge(), peerCa(services));
    }

    @jakarta.inject.Inject
    dev.yoq.security.mtls.ServiceCerts serviceCerts;

    /**
     * The service CA's certificate once a service takes client certificates; null before it exists (made with the
     * first replica's files or by the issuer, never on this 250 ms path): the proxy then leaves such a service's
     * domain out, so it fails closed.
     */
    private String peerCa(List<ServiceRecord> services) {
        if (services.stream().allMatch(s -> "off".equals(s.getTlsPeer()))) return null;
        try {
            var ca = serviceCerts.caView();
            return ca == null ? null : ca.certPem();
        } catch (RuntimeException e) {
            LOG.fine("edge: cannot read the service CA: " + e.getMessage());
            return null;
        }
    }

    /** The cluster's HTTP routes, as this node's {@code yoq join} last handed them over (none on a single node). */
    private volatile List<dev.yoq.cluster.work.ClusterRoutes.Route> clusterRoutes = List.of();

    /** The cluster's routes from now on (checked first: a bad list changes nothing); the proxy gets them on the next tick. */
    public int setClusterRoutes(List<dev.yoq.cluster.work.ClusterRoutes.Route> routes) {
        clusterRoutes = dev.yoq.cluster.work.ClusterRoutes.checked(routes);
        return clusterRoutes.size();
    }

    public List<dev.yoq.cluster.work.ClusterRoutes.Route> clusterRoutes() {
        return clusterRoutes;
    }

    /**
     * The certificates with their keys, read again only when the store changed (domain, expiry or update time of
     * any): this runs on every 250 ms tick, and the keys need not cross JDBC four times a second.
     */
    private List<ProxyConfigs.Cert> certificates() {
        List<CertificateService.Summary> versions = certificates.list();
        if (!versions.equals(certVersions)) {
            certs = certificates.all().stream().map(c -> new ProxyConfigs.Cert(c.domain(), c.certPem(), c.keyPem())).toList();
            certVersions = versions;
        }
        return certs;
    }

    /** An HTTP-01 answer the proxy serves at {@code /.well-known/acme-challenge/<token>} until removed. */
    public void putChallenge(String token, String keyAuthorization) {
        challenges.put(token, keyAuthorization);
    }

    public void removeChallenge(String token) {
        challenges.remove(token);
    }

    /** The proxy's counters and listeners (through the helper), or why there are none. */
    public JsonNode stats() {
        try (NodeClient client = node.open()) {
            return client.proxyStats();
        } catch (java.io.IOException | RuntimeException e) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("running", false)
                    .put("error", "helper unreachable: " + e.getMessage());
        }
    }

    /** Whether the last configuration reached the proxy, and the error if not. */
    public Map<String, Object> syncStatus() {
        Map<String, Object> o = new java.util.LinkedHashMap<>();
        o.put("generation", generation);
        o.put("last_sent_at_ms", lastSentAt);
        o.put("failures", failures);
        o.put("error", lastError);
        return o;
    }
}
