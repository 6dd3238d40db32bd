package dev.yoq.cluster.work;

import dev.yoq.cluster.ClusterInfo;
import dev.yoq.manifest.Manifest;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A cluster's crons, on the leader: every second the slots due ({@link CronSlots}) become runs on agents, in one
 * entry; a slot another leader already recorded is kept as it was by the state machine, so a cron fires once per
 * schedule in the whole cluster. A cron's runs come from its app's newest release that did not fail (as on a single
 * node), none while the app is down.
 */
@Singleton
@Startup
@jakarta.ejb.DependsOn("ServerStartup")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ClusterCrons {
    private static final Logger LOG = Logger.getLogger(ClusterCrons.class.getName());
    static final long TICK_MS = 1_000;

    @Inject
    ClusterInfo cluster;
    @Inject
    CommandBus bus;
    @Resource
    TimerService timers;
    @EJB
    ClusterWork work;
    @EJB
    dev.yoq.app.ReleaseSnapshots snapshots;
    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    /** Each release's crons: a snapshot never changes, so it is looked at once, not every second. */
    private final Map<String, List<Manifest.Cron>> cronsOf = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Manifest.Cron>> eldest) {
            return size() > 256;
        }
    });

    @PostConstruct
    void start() {
        timers.createIntervalTimer(TICK_MS, TICK_MS, new TimerConfig("cluster-crons", false));
    }

    @Timeout
    void tick() {
        if (!cluster.leadsStartedCluster()) return;
        try {
            runDue(System.currentTimeMillis());
        } catch (dev.yoq.state.LeadershipLostException e) {
            LOG.info("cluster crons left to the next leader: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warning("cluster crons: " + e.getMessage());
        }
    }

    private void runDue(long now) {
        List<CronSlots.Cron> crons = serving();
        if (crons.isEmpty()) return;
        List<Work> all = work.work(null);
        // a run no agent started within its period (a minute at least) is given up: it would hold back every later slot
        Map<String, String> stale = CronSlots.stale(crons, all, now);
        Set<String> ids = new HashSet<>(), live = new HashSet<>();
        for (Work w : all) {
            ids.add(w.id());
            if (stale.containsKey(w.id())) bus.submitAsLeader(new Command.ReportAssignment(w.agentId(), w.id(), "failed", stale.get(w.id()), now));
            else if ("cron".equals(w.workloadKind()) && w.live()) live.add(w.appName() + "/" + w.workloadName());
        }
        List<Work> runs = new ArrayList<>();
        for (CronSlots.Due d : CronSlots.due(crons, ids, live, now)) {
            Manifest.Cron c = cron(d.cron().releaseId(), d.cron().name());
            Manifest m = c == null ? null : snapshots.of(d.cron().releaseId());
            if (m == null) continue;
            runs.add(ClusterWork.oneShot(d.runId(), m, "cron", c.name(), c.common(), d.cron().releaseId(), Map.of(), now));
        }
        if (runs.isEmpty()) return;
        // placed together, so that slots due in the same second count each other against an agent's room
        bus.submitAsLeader(new Command.PlaceAssignments(WorkPlan.placeNew(work.agents(), all, runs, work.volumeAgents()), List.of(), Map.of(), now));
    }

    private Manifest.Cron cron(String releaseId, String name) {
        return cronsOf.computeIfAbsent(releaseId, this::crons).stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
    }

    /** Each app's newest release that did not fail (completed, or being placed), unless the app is down: its crons. */
    @SuppressWarnings("unchecked")
    private List<CronSlots.Cron> serving() {
        Map<String, Object[]> newest = new java.util.HashMap<>();
        for (Object[] r : (List<Object[]>) em.createNativeQuery("SELECT app_name, id, created_at FROM deployments WHERE status IN "
                + "('completed', 'in_progress', 'pending') AND app_name NOT IN (SELECT app_name FROM apps_down) "
                + "ORDER BY created_at DESC, seq DESC").getResultList()) {
            newest.putIfAbsent((String) r[0], r);
        }
        List<CronSlots.Cron> out = new ArrayList<>();
        for (Object[] r : newest.values()) {
            String releaseId = (String) r[1];
            for (Manifest.Cron c : cronsOf.computeIfAbsent(releaseId, this::crons)) {
                out.add(new CronSlots.Cron((String) r[0], releaseId, ((Number) r[2]).longValue(), c.name(), c.every() * 1000));
            }
        }
        return out;
    }

    private List<Manifest.Cron> crons(String releaseId) {
        Manifest m = snapshots.of(releaseId);
        return m == null ? List.of() : m.crons();
    }
}
