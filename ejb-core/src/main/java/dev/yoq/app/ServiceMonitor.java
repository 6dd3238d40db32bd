package dev.yoq.app;

import dev.yoq.manifest.Manifest;
import dev.yoq.model.ContainerRecord;
import dev.yoq.node.NodeClient;
import dev.yoq.node.NodeConnector;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.FreshReads;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Measures the app services every 2 s (CPU % from the cgroup's CPU time, memory, pressure) for
 * {@code GET /v1/status}, and evaluates their alerts ({@link AlertState}); a firing alert is audited and POSTed
 * once to the service's webhook by {@link AlertWebhook}.
 */
@Singleton
@Startup
@DependsOn("ServerStartup")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ServiceMonitor {
    private static final Logger LOG = Logger.getLogger(ServiceMonitor.class.getName());
    static final long INTERVAL_MS = 2_000;

    @Resource
    TimerService timers;
    @Resource
    ManagedExecutorService executor;
    @EJB
    dev.yoq.server.ServerStartup startup;
    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @Inject
    NodeConnector node;
    @Inject
    CommandBus bus;
    @EJB
    HealthMonitor health;
    @jakarta.ejb.EJB
    dev.yoq.node.HelperSupervisor helper;
    @EJB
    ReleaseSnapshots snapshots;
    @Inject
    dev.yoq.cluster.ClusterInfo cluster;
    @EJB
    dev.yoq.cluster.work.ClusterWork clusterWork;

    /** The latest measurement of one running container. */
    public record Sample(long atMs, Long cpuUsageNs, Double cpuPercent, Long memoryBytes, Double cpuPressure, Double memoryPressure) {}

    private final Map<String, Sample> samples = new ConcurrentHashMap<>();
    private final Map<String, AlertState> alerts = new ConcurrentHashMap<>();
    private final dev.yoq.edge.ProxyWindows proxyWindows = new dev.yoq.edge.ProxyWindows();
    private Map<String, dev.yoq.edge.ProxyWindows.Window> windows = Map.of();
    @EJB
    dev.yoq.edge.EdgeSync edge;

    @PostConstruct
    void start() {
        timers.createIntervalTimer(INTERVAL_MS, INTERVAL_MS, new TimerConfig("service-monitor", false));
    }

    @Timeout
    void tick() {
        if (!startup.report().ready()) return;
        List<ContainerRecord> running = FreshReads.fresh(em.createQuery(
                "SELECT c FROM ContainerRecord c WHERE c.workloadKind = 'service' AND c.status = 'running'", ContainerRecord.class)).getResultList();
        Set<String> ids = new HashSet<>();
        // latency and error rate per service, from the proxy's counters since the last tick: asked only when a
        // running service has such an alert (a proxy round trip every 2 s otherwise buys nothing)
        windows = running.stream().anyMatch(this::wantsProxyWindows) ? proxyWindows.next(edge.stats()) : Map.of();
        try (NodeClient client = running.isEmpty() ? null : node.open()) {
            for (ContainerRecord c : running) {
                ids.add(c.getId());
                measure(client, c);
                evaluateAlerts(c);
            }
        } catch (Exception e) {
            LOG.fine("service monitor: " + e.getMessage());
        }
        samples.keySet().retainAll(ids);
        alerts.keySet().retainAll(ids);   // a container's alert state goes with it (a new release has new containers)
    }

    private void measure(NodeClient client, ContainerRecord c) throws java.io.IOException {
        Map<String, Object> stats = client.stats(c.getId());
        long now = System.currentTimeMillis();
        Long usage = number(stats.get("cpu_usage_ns"));
        Sample before = samples.get(c.getId());
        Double cpu = before == null ? null : CpuPercent.between(before.cpuUsageNs(), before.atMs(), usage, now);
        samples.put(c.getId(), new Sample(now, usage, cpu, number(stats.get("memory_bytes")), decimal(stats.get("cpu_pressure")),
                decimal(stats.get("memory_pressure"))));
    }

    private boolean wantsProxyWindows(ContainerRecord c) {
        Manifest.Service s = snapshots.service(c.getReleaseId(), c.getWorkloadName());
        return s != null && s.alerts() != null && (s.alerts().latencyP99Ms() != null || s.alerts().errorRatePercent() != null);
    }

    private void evaluateAlerts(ContainerRecord c) {
        Manifest.Service s = snapshots.service(c.getReleaseId(), c.getWorkloadName());
        if (s == null || s.alerts() == null) return;
        AlertState state = alerts.computeIfAbsent(c.getId(), k -> new AlertState(s.alerts()));
        Sample sample = samples.get(c.getId());
        Double memoryPercent = sample.memoryBytes() == null ? null : sample.memoryBytes() * 100.0 / ((long) s.memoryLimitMb() << 20);
        var window = windows.get(c.getAppName() + "-" + c.getWorkloadName());
        for (AlertState.Firing f : state.observe(new AlertState.Sample(sample.cpuPercent(), memoryPercent, c.getRestartCount(),
                        window == null ? null : window.latencyP99Ms(), window == null ? null : window.errorRatePercent()),
                (int) s.alerts().consecutive())) {
            LOG.warning("alert: " + c.getAppName() + "/" + s.name() + " " + f.metric() + " = " + f.value() + " (threshold " + f.threshold() + ")");
            bus.submit(new Command.RecordAudit("local", "alert_fired", c.getAppName() + "/" + s.name() + " " + f.metric(), "ok",
                    System.currentTimeMillis()));
            if (s.alerts().webhook() != null) {
                String body = AlertWebhook.body(c.getAppName(), s.name(), c.getId(), f, System.currentTimeMillis());
                executor.execute(() -> AlertWebhook.post(s.alerts().webhook(), body));
            }
        }
    }

    /** Rows of {@code GET /v1/status}: every service of every app, its replicas added up. */
    public List<Map<String, Object>> rows() {
        Map<String, List<ServiceRow.Replica>> byService = new java.util.LinkedHashMap<>();
        for (ContainerRecord c : FreshReads.fresh(em.createQuery("SELECT c FROM ContainerRecord c WHERE c.workloadKind = 'service' "
                + "ORDER BY c.appName, c.workloadName, c.hostname", ContainerRecord.class)).getResultList()) {
            // with the helper silent nothing is known of the containers: health unknown, not the last verdict
            String h = helper.reachable() ? health.status(c.getId()) : "unknown";
            byService.computeIfAbsent(c.getAppName() + "\0" + c.getWorkloadName(), k -> new ArrayList<>())
                    .add(new ServiceRow.Replica(c, helper.reachable() ? samples.get(c.getId()) : null, h, alertsOf(c)));
        }
        Map<String, Integer> desired = new java.util.HashMap<>();
        for (dev.yoq.model.ServiceRecord s : FreshReads.fresh(em.createQuery("SELECT s FROM ServiceRecord s", dev.yoq.model.ServiceRecord.class))
                .getResultList()) {
            desired.put(s.getAppName() + "\0" + s.getWorkloadName(), s.getDesiredReplicas());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        byService.forEach((key, replicas) -> out.add(ServiceRow.of(replicas, desired.getOrDefault(key,
                (int) replicas.stream().filter(r -> "running".equals(r.container().getDesiredState())).count()))));
        if (cluster.clustered()) out.addAll(clusterWork.statusRows());   // the apps whose replicas run on agents
        return out;
    }

    private List<AlertState.Metric> alertsOf(ContainerRecord c) {
        AlertState s = alerts.get(c.getId());
        return s == null ? List.of() : s.metrics();
    }

    private static Long number(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }

    private static Double decimal(Object o) {
        return o instanceof Number n ? n.doubleValue() : null;
    }
}
