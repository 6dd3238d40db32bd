package dev.yoq.service;

import dev.yoq.app.HealthMonitor;
import dev.yoq.model.ContainerRecord;
import dev.yoq.model.ServiceEndpointRecord;
import dev.yoq.model.ServiceRecord;
import dev.yoq.node.NodeClient;
import dev.yoq.node.protocol.ServiceVip;
import dev.yoq.state.FreshReads;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Keeps the node's VIP table in step with the services: every 250 ms (and at once when a rollout asks) the table
 * is computed from the services, their endpoints, the containers and health, and sent to the helper when it
 * changed, or every 10 s anyway (a restarted helper has it again quickly; it also keeps the last one in a file).
 * The server decides who takes traffic; the helper only executes (and drops a backend the moment its process ends).
 */
@Singleton
@Startup
@jakarta.ejb.DependsOn("ServerStartup")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ServiceDataplane {
    private static final Logger LOG = Logger.getLogger(ServiceDataplane.class.getName());
    static final long TICK_MS = 250, RESEND_MS = 10_000;

    @Resource
    TimerService timers;
    @EJB
    dev.yoq.server.ServerStartup startup;
    @EJB
    HealthMonitor health;
    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @Inject
    dev.yoq.node.NodeConnector node;
    @EJB
    dev.yoq.edge.EdgeSync edge;

    /** The cluster's services, as this node's {@code yoq join} last handed them over (none on a single node). */
    private volatile List<ServiceVip> cluster = List.of();
    private List<ServiceVip> lastSent;
    private long lastSentAt;
    private volatile Map<String, Object> status = Map.of("mode", "unknown");
    private long syncFailures;

    @PostConstruct
    void start() {
        timers.createIntervalTimer(TICK_MS, TICK_MS, new TimerConfig("service-dataplane", false));
    }

    @Timeout
    void tick() {
        if (!startup.report().ready()) return;
        try {
            sync(false);
        } catch (RuntimeException e) {
            LOG.fine("services: cannot compute the VIP table: " + e.getMessage());
        }
    }

    /**
     * Sends the table now if it changed; true when the helper has the current table (a rollout step waits for this
     * before draining an old replica: the new ones must be in the VIP first).
     */
    public boolean syncNow() {
        return sync(false);
    }

    private synchronized boolean sync(boolean force) {
        List<ServiceVip> table = table();
        edge.sync(table);   // the L7 proxy follows the same readiness as the VIPs (a rollout drains only after this)
        long now = System.currentTimeMillis();
        if (!force && table.equals(lastSent) && now - lastSentAt < RESEND_MS) return true;
        try (NodeClient client = node.open()) {
            client.setServices(table, startup.settings().services().dnsReturnsVip());
            lastSent = table;
            lastSentAt = now;
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            syncFailures++;
            LOG.fine("services: cannot send the VIP table to the helper: " + e.getMessage());
            return false;
        }
    }

    /** The table as the helper should serve it now. */
    public List<ServiceVip> table() {
        List<ServiceRecord> services = FreshReads.fresh(em.createQuery("SELECT s FROM ServiceRecord s ORDER BY s.name", ServiceRecord.class))
                .getResultList();
        List<ServiceEndpointRecord> endpoints = FreshReads.fresh(em.createQuery("SELECT e FROM ServiceEndpointRecord e", ServiceEndpointRecord.class))
                .getResultList();
        Map<String, ContainerRecord> containers = new HashMap<>();
        for (ContainerRecord c : FreshReads.fresh(em.createQuery(
                "SELECT c FROM ContainerRecord c WHERE c.workloadKind = 'service'", ContainerRecord.class)).getResultList()) {
            containers.put(c.getId(), c);
        }
        java.util.Set<String> published = new java.util.HashSet<>();
        if (!cluster.isEmpty()) {
            for (dev.yoq.model.PortMappingRecord p : FreshReads.fresh(em.createQuery("SELECT p FROM PortMappingRecord p",
                    dev.yoq.model.PortMappingRecord.class)).getResultList()) {
                published.add(p.getProtocol() + "/" + p.getHostPort());
            }
            // yoq's own listeners: an app publishing one on every node would cut the node off its cluster
            var settings = startup.settings();
            for (int port : List.of(settings.apiPort(), settings.edge().httpPort(), settings.edge().httpsPort(), settings.edge().acmePort(),
                    dev.yoq.cluster.raft.RaftPeerAddress.DEFAULT_PORT)) {
                published.add("tcp/" + port);
            }
        }
        return ClusterServiceTable.merged(ServiceTables.build(services, endpoints, containers, health::serving), cluster, published);
    }

    /** The cluster's services from now on (checked first); sent to the helper at once. Returns how many there are. */
    public int setClusterServices(List<ServiceVip> next) {
        cluster = ClusterServiceTable.checked(next, startup.settings().names().vipSubnet());
        syncNow();
        return cluster.size();
    }

    public List<ServiceVip> clusterServices() {
        return cluster;
    }

    /** The helper's dataplane now: mode (bpf or nftables), reason, programs, maps; the last known one if it is silent. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> status() {
        try (NodeClient client = node.open()) {
            status = dev.yoq.node.protocol.MessageCodec.SHARED.mapper().convertValue(client.dataplane(), Map.class);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.fine("services: cannot ask the helper for its dataplane: " + e.getMessage());
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>(status);
        out.put("sync_failures", syncFailures());
        return out;
    }

    public synchronized long syncFailures() {
        return syncFailures;
    }
}
