package dev.yoq.app;

import dev.yoq.manifest.Manifest;
import dev.yoq.model.ContainerRecord;
import dev.yoq.runtime.ContainerService;
import dev.yoq.runtime.RestartPolicy;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
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
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import dev.yoq.node.NodeClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;

/**
 * Probes the health checks of running app services (spec §3.6): a 250 ms tick starts the probes that are due,
 * at most 4 at a time on the managed executor; {@link HealthState} decides. The rollout reads readiness from
 * here; a service that stays unhealthy (3 probes after it turned unhealthy) is restarted when its restart
 * policy allows, and the restart is audited. Every 5 s the watch list is brought in line with the database, so
 * a restarted server watches its running services again.
 */
@Singleton
@Startup
@jakarta.ejb.DependsOn("ServerStartup")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class HealthMonitor {
    private static final Logger LOG = Logger.getLogger(HealthMonitor.class.getName());
    static final int WORKERS = 4, RESTART_AFTER = 3;
    static final long RESYNC_MS = 5_000;

    @Resource
    TimerService timers;
    @EJB
    dev.yoq.server.ServerStartup startup;
    @Resource
    ManagedExecutorService executor;
    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @EJB
    ContainerService containers;
    @Inject
    CommandBus bus;
    @EJB
    ReleaseSnapshots snapshots;
    @Inject
    dev.yoq.node.NodeConnector node;

    private record Watch(String containerId, String ip, String service, Manifest.HealthCheck check, RestartPolicy restart) {}

    private final Map<String, Watch> watched = new ConcurrentHashMap<>();
    private final Map<String, HealthState> states = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> adopted = ConcurrentHashMap.newKeySet();
    /** When each state began: a container started after that is a new run whose health is not known yet. */
    private final Map<String, Long> verdictSince = new ConcurrentHashMap<>();
    private final Semaphore slots = new Semaphore(WORKERS);
    private volatile long lastResync;

    @PostConstruct
    void start() {
        timers.createIntervalTimer(250, 250, new TimerConfig("health-monitor", false));
    }

    /** Starts probing a just started container of a service with a health check. */
    public void watch(String containerId, String ip, String service, Manifest.HealthCheck check, String restartPolicy) {
        watched.put(containerId, new Watch(containerId, ip, service, check, RestartPolicy.parse(restartPolicy)));
        states.put(containerId, HealthState.start(toCheck(check), System.currentTimeMillis()));
        verdictSince.put(containerId, System.currentTimeMillis());
        pushHeld();
    }

    /**
     * A running service found after a server restart: probed at once, and its names stay answered until that
     * first probe says otherwise (holding every name back for an interval after each restart would be an outage).
     */
    private void adopt(String containerId, String ip, String service, Manifest.HealthCheck check, String restartPolicy) {
        adopted.add(containerId);
        watched.put(containerId, new Watch(containerId, ip, service, check, RestartPolicy.parse(restartPolicy)));
        states.put(containerId, HealthState.start(toCheck(check), System.currentTimeMillis()).probeNow());
        verdictSince.put(containerId, System.currentTimeMillis());
    }

    public void forget(String containerId) {
        watched.remove(containerId);
        adopted.remove(containerId);
        verdictSince.remove(containerId);
        if (states.remove(containerId) != null) pushHeld();
    }

    /**
     * Health gates DNS: the helper's resolver holds back the names of every watched container that is not healthy.
     * Sent after every change and every resync (so a restarted helper has it again within 5 s).
     */
    void pushHeld() {
        pushHeld(null, null);
    }

    /** As {@link #pushHeld()}, with {@code id}'s coming state instead of its current one. */
    private void pushHeld(String id, HealthState coming) {
        List<String> held = new ArrayList<>();
        states.forEach((c, s) -> {
            if (!(c.equals(id) ? coming : s).ready() && !adopted.contains(c)) held.add(c);
        });
        try (NodeClient client = node.open()) {
            client.holdNames(held);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.fine("health: cannot tell the helper which names to hold: " + e.getMessage());
        }
    }

    /**
     * Whether a service replica may take traffic as far as health goes: no health check, healthy, or found running
     * after a server restart and not yet probed (holding every replica back after a restart would be an outage).
     * One whose service has a health check is not serving before its first verdict (a new replica between its start and its watch), and a replica whose process started again
     * after its verdict (restart policy) is starting again, not healthy from its last life.
     */
    public boolean serving(ContainerRecord c) {
        Manifest.Service s = c.getReleaseId() == null ? null : snapshots.service(c.getReleaseId(), c.getWorkloadName());
        boolean hasCheck = s != null && s.healthCheck() != null;
        HealthState state = states.get(c.getId());
        if (state == null) return !hasCheck;
        Long since = verdictSince.get(c.getId());
        if (since != null && c.getStartedAt() != null && c.getStartedAt() > since) {
            Watch w = watched.get(c.getId());
            if (w != null) {
                states.put(c.getId(), HealthState.start(toCheck(w.check()), System.currentTimeMillis()));
                verdictSince.put(c.getId(), System.currentTimeMillis());
                adopted.remove(c.getId());
                pushHeld();
            }
            return false;
        }
        return state.ready() || adopted.contains(c.getId());
    }

    /** starting, healthy or unhealthy for a replica whose service has a check (starting before its first probe), else null. */
    public String replicaHealth(ContainerRecord c) {
        Manifest.Service s = c.getReleaseId() == null ? null : snapshots.service(c.getReleaseId(), c.getWorkloadName());
        if (s == null || s.healthCheck() == null) return null;
        String status = status(c.getId());
        return status == null ? "starting" : status;
    }

    /** starting, healthy or unhealthy; null when the container has no health check (or is not watched). */
    public String status(String containerId) {
        HealthState s = states.get(containerId);
        return s == null ? null : s.status();
    }

    @Timeout
    void tick() {
        if (!startup.report().ready()) return;
        long now = System.currentTimeMillis();
        if (now - lastResync >= RESYNC_MS) {
            lastResync = now;
            try {
                resync();
            } catch (RuntimeException e) {
                LOG.warning("health: cannot read the running services: " + e.getMessage());
            }
        }
        for (Watch w : watched.values()) {
            HealthState s = states.get(w.containerId());
            if (s == null || s.nextProbeAtMs() > now || inFlight.contains(w.containerId())) continue;
            if (!slots.tryAcquire()) return;   // all 4 busy: the rest wait for the next tick
            inFlight.add(w.containerId());
            try {
                executor.execute(() -> probe(w));
            } catch (RuntimeException e) {
                inFlight.remove(w.containerId());
                slots.release();
            }
        }
    }

    private void probe(Watch w) {
        try {
            boolean ok = HealthProbes.probe(w.check(), w.ip(), cmd -> containers.exec(w.containerId(), cmd).exitCode());
            HealthState before = states.get(w.containerId());
            if (before == null || !watched.containsKey(w.containerId())) return;
            HealthState after = before.after(ok, toCheck(w.check()), System.currentTimeMillis(), w.containerId());
            if (adopted.remove(w.containerId()) && !after.ready()) pushHeld(w.containerId(), after);
            // the resolver learns first, then the rollout: a dependent started on "healthy" must find the name
            if (before.ready() != after.ready()) pushHeld(w.containerId(), after);
            states.put(w.containerId(), after);
            if (!before.status().equals(after.status())) LOG.info("health: " + w.service() + " (" + w.containerId() + ") is " + after.status());
            if (after.unhealthyFailures() >= RESTART_AFTER && w.restart() != RestartPolicy.NO) restart(w);
        } finally {
            inFlight.remove(w.containerId());
            slots.release();
        }
    }

    private void restart(Watch w) {
        LOG.warning("health: " + w.service() + " (" + w.containerId() + ") stayed unhealthy; restarting it");
        bus.submit(new Command.RecordAudit("local", "health_restart", w.service() + " " + w.containerId(), "ok", System.currentTimeMillis()));
        try {
            containers.restart(w.containerId());
            states.put(w.containerId(), HealthState.start(toCheck(w.check()), System.currentTimeMillis()));
            verdictSince.put(w.containerId(), System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.warning("health: cannot restart " + w.containerId() + ": " + e.getMessage());
        }
    }

    /** Watches every running app service that has a health check, forgets containers that are gone. */
    private void resync() {
        Set<String> running = new HashSet<>();
        for (ContainerRecord c : FreshReads.fresh(em.createQuery(
                "SELECT c FROM ContainerRecord c WHERE c.workloadKind = 'service' AND c.status = 'running'", ContainerRecord.class)).getResultList()) {
            running.add(c.getId());
            if (watched.containsKey(c.getId()) || c.getReleaseId() == null || c.getIpAddress() == null) continue;
            Manifest.Service s = snapshots.service(c.getReleaseId(), c.getWorkloadName());
            if (s != null && s.healthCheck() != null) adopt(c.getId(), c.getIpAddress(), s.name(), s.healthCheck(), s.restart());
        }
        for (String id : Set.copyOf(watched.keySet())) if (!running.contains(id)) forget(id);
        pushHeld();
    }

    static HealthState.Check toCheck(Manifest.HealthCheck c) {
        return new HealthState.Check(c.interval() * 1000, c.timeout() * 1000, (int) c.retries(), c.startPeriod() * 1000);
    }
}
