package dev.yoq.cluster.work;

import dev.yoq.app.AppRollouts;
import dev.yoq.cluster.ClusterInfo;
import dev.yoq.cluster.agent.AgentRegistration;
import dev.yoq.cluster.agent.NodeNumbers;
import dev.yoq.cluster.schedule.NodeRole;
import dev.yoq.cluster.schedule.NodeStatus;
import dev.yoq.manifest.Manifest;
import dev.yoq.model.ReleaseRecord;
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
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The leader's side of apps on a cluster: a release's replicas become assignments placed by the scheduler, the
 * release follows them to completion (every replica running on its agent) or failure, and a pass every 10 s places
 * orphaned and waiting work and moves a draining agent's work. A release left in progress by a leader that died is
 * followed again by the next leader within a second. A worker's run is placed when asked ({@link #runWorker}); crons
 * are {@link ClusterCrons}'.
 */
@Singleton
@Startup
@jakarta.ejb.DependsOn("ServerStartup")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ClusterWork {
    private static final Logger LOG = Logger.getLogger(ClusterWork.class.getName());
    static final long PLACEMENT_MS = 10_000;
    static final long RECOVERY_MS = 1_000;
    /** How long a release waits for all its replicas to run on their agents (image pulls included). */
    public static final long READY_TIMEOUT_MS = 300_000;
    static final long POLL_MS = 500;

    @Inject
    ClusterInfo cluster;
    @Inject
    CommandBus bus;
    @Resource
    TimerService timers;
    @Resource
    ManagedExecutorService executor;
    @EJB
    AppRollouts rollouts;
    @EJB
    dev.yoq.app.ReleaseSnapshots snapshots;
    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @Inject
    dev.yoq.cluster.AgentSamples samples;

    private final SecureRandom random = new SecureRandom();

    @PostConstruct
    void start() {
        timers.createIntervalTimer(PLACEMENT_MS, PLACEMENT_MS, new TimerConfig("placement", false));
        timers.createIntervalTimer(RECOVERY_MS, RECOVERY_MS, new TimerConfig("cluster-releases", false));
    }

    /**
     * Rolls a release out on agents (spec §3.7 by its merged policy, {@link ClusterRollout}): new replicas are placed
     * batch by batch, old ones removed as new ones run, until the release completes (the app's older replicas are
     * then removed), fails (its replicas are removed and the previous release's placed again where it lost some),
     * or pauses on a failed replica ({@code failure_action = "pause"}: the replica is removed and the release left
     * paused, which the recovery timer follows). Returns early when this server stops leading (the next leader
     * carries on from the replicas alone) or the release was superseded.
     */
    public void follow(String releaseId) {
        try {
            followAsLeader(releaseId);
        } catch (dev.yoq.state.LeadershipLostException e) {   // the next leader follows it from the replicated state
            LOG.info("release " + releaseId + " left to the next leader: " + e.getMessage());
        }
    }

    private void followAsLeader(String releaseId) {
        Manifest m = snapshots.of(releaseId);
        if (m == null) return;
        Map<String, ClusterRollout.Service> services = new java.util.LinkedHashMap<>();
        m.services().forEach(s -> services.put(s.name(), new ClusterRollout.Service(s.replicas(),
                s.rollout() == null ? 1 : s.rollout().parallelism(), canaryWindowMs(s))));
        Manifest.Rollout policy = dev.yoq.app.RolloutPlan.merge(m.services().stream().map(Manifest.Service::rollout)
                .filter(java.util.Objects::nonNull).toList());
        String lastMessage = null, lastTargets = null;
        ClusterRollout.Pace pace = ClusterRollout.Pace.startingAt(System.currentTimeMillis());
        while (true) {
            ReleaseRecord r = release(releaseId);
            if (r == null || !List.of("pending", "in_progress").contains(r.getStatus()) || !cluster.leads()) return;
            if (!cluster.caughtUp()) {   // a new leader: its predecessor's last decisions are not applied here yet
                sleep();
                continue;
            }
            // what the rollout removed so far, as recorded (by an earlier leader, before a pause) or counted here
            pace = pace.retiredAtLeast(ClusterRollout.retiredOf(r.getRolloutTargetsJson()));
            if (em.find(dev.yoq.model.AppDownRecord.class, r.getAppName(), FreshReads.FIND) != null) {   // down removed its replicas
                record(releaseId, "failed", "the app was taken down while this release rolled out", ClusterRollout.targets(services.keySet(), Map.of(), true, Map.of()), 0, 0);
                return;
            }
            String control = r.getControlState();
            if ("paused".equals(control)) {   // the app is free meanwhile (an apply supersedes it); the recovery timer follows it once resumed
                if (r.getMessage() == null || !r.getMessage().startsWith("rollout paused")) {
                    long running = work(releaseId).stream().filter(w -> w.service() && "running".equals(w.status())).count();
                    record(releaseId, "in_progress", "rollout paused by operator (" + running + " of "
                            + services.values().stream().mapToInt(ClusterRollout.Service::replicas).sum() + " replicas running)",
                            r.getRolloutTargetsJson() == null ? ClusterRollout.targets(services.keySet(), Map.of(), false, Map.of())
                                    : r.getRolloutTargetsJson(), (int) running, 0);
                }
                return;
            }
            List<Work> replicas = work(null).stream().filter(w -> w.service() && r.getAppName().equals(w.appName())).toList();
            ClusterRollout.Step step = ClusterRollout.next(policy, services, releaseId, replicas, pace, System.currentTimeMillis(),
                    READY_TIMEOUT_MS, control);
            pace = step.pace();
            switch (step.outcome()) {
                case COMPLETE -> {
                    // an earlier release's worker runs are left to finish (and to the pass's bound on kept runs)
                    List<String> older = replicas.stream().filter(w -> !releaseId.equals(w.releaseId())).map(Work::id).toList();
                    if (!older.isEmpty()) bus.submitAsLeader(new Command.RemoveAssignments(older));
                    record(releaseId, "completed", services.isEmpty() ? "no services to place on agents" : step.message(), step.targets(),
                            step.running(), 0);
                    return;
                }
                case FAIL -> {
                    // the previous release's lost replicas placed first (placing again is bounded by its count, so a next
                    // leader doing it again adds none), then the verdict, then this release's replicas and what a
                    // release superseded mid-rollout left go: only the previous one stays
                    String previous = previousRelease(r);
                    int restored = previous == null ? 0 : restore(previous, retiredSince(r, previous, step.pace().retired()));
                    record(releaseId, "failed", step.message() + (restored == 0 ? "" : " (" + restored + " of its replicas placed again)"),
                            step.targets(), step.running(), step.failed());
                    List<String> gone = replicas.stream().filter(w -> !java.util.Objects.equals(previous, w.releaseId())).map(Work::id).toList();
                    if (!gone.isEmpty()) bus.submitAsLeader(new Command.RemoveAssignments(gone));
                    return;
                }
                case PAUSE -> {   // paused first (a next leader must not go on), then the failed replica goes; the apply answers now
                    bus.submitAsLeader(new Command.SetRolloutControl(releaseId, "paused"));
                    record(releaseId, "in_progress", step.message(), step.targets(), step.running(), step.failed());
                    bus.submitAsLeader(new Command.RemoveAssignments(List.of(step.failedId())));
                    return;
                }
                case WAIT -> {
                    // recorded before it is carried out: the count of removed replicas must never trail the removals
                    if (!step.message().equals(lastMessage) || !step.targets().equals(lastTargets)) {
                        record(releaseId, "in_progress", step.message(), step.targets(), step.running(), step.failed());
                    }
                    lastMessage = step.message();
                    lastTargets = step.targets();
                    carryOut(m, releaseId, step);
                }
            }
            if (!sleep()) return;
        }
    }

    /** A step's new replicas placed where the scheduler finds room now (else they wait for the placement pass), and its old ones removed. */
    private void carryOut(Manifest m, String releaseId, ClusterRollout.Step step) {
        if (!step.place().isEmpty()) {
            List<Work> fresh = new ArrayList<>();
            for (Manifest.Service s : m.services()) fresh.addAll(replicas(m, s, releaseId, step.place().getOrDefault(s.name(), 0)));
            bus.submitAsLeader(new Command.PlaceAssignments(WorkPlan.placeNew(agents(), work(null), fresh, volumeAgents()), List.of(), Map.of(),
                    System.currentTimeMillis()));
        }
        if (!step.remove().isEmpty()) bus.submitAsLeader(new Command.RemoveAssignments(step.remove()));
    }

    /**
     * The older replicas removed since {@code previous} completed, per service: by this rollout ({@code own}) and by
     * the releases it superseded (each recorded its count with its targets), which a failure gives back.
     */
    private Map<String, Integer> retiredSince(ReleaseRecord failed, String previous, Map<String, Integer> own) {
        Map<String, Integer> out = new java.util.HashMap<>(own);
        ReleaseRecord p = release(previous);
        for (ReleaseRecord r : FreshReads.fresh(em.createQuery("SELECT r FROM ReleaseRecord r WHERE r.appName = :a AND r.status = 'superseded' "
                + "AND r.createdAt >= :t", ReleaseRecord.class).setParameter("a", failed.getAppName())
                .setParameter("t", p == null ? Long.MAX_VALUE : p.getCreatedAt())).getResultList()) {
            if (!r.getId().equals(failed.getId())) ClusterRollout.retiredOf(r.getRolloutTargetsJson()).forEach((s, n) -> out.merge(s, n, Integer::sum));
        }
        return out;
    }

    /** The app's newest completed release before {@code r}, whose replicas a failed rollout gives back; null when none. */
    private String previousRelease(ReleaseRecord r) {
        List<?> ids = em.createNativeQuery("SELECT id FROM deployments WHERE app_name = ?1 AND status = 'completed' AND id <> ?2 "
                + "ORDER BY created_at DESC, seq DESC").setParameter(1, r.getAppName()).setParameter(2, r.getId())
                .setMaxResults(1).getResultList();
        return ids.isEmpty() ? null : (String) ids.get(0);
    }

    /**
     * After a failed release: the previous release gets back the replicas this rollout removed ({@code retired} per
     * service), up to its count, and only those (an app taken down before gets none back). Returns how many were
     * placed again.
     */
    private int restore(String previous, Map<String, Integer> retired) {
        Manifest m = snapshots.of(previous);
        if (m == null) return 0;
        List<Work> kept = work(previous).stream().filter(Work::service).toList();
        List<Work> fresh = new ArrayList<>();
        for (Manifest.Service s : m.services()) {
            long have = kept.stream().filter(w -> s.name().equals(w.workloadName())).count();
            fresh.addAll(replicas(m, s, previous, (int) Math.min(retired.getOrDefault(s.name(), 0), Math.max(0, s.replicas() - have))));
        }
        if (!fresh.isEmpty()) {
            bus.submitAsLeader(new Command.PlaceAssignments(WorkPlan.placeNew(agents(), work(null), fresh, volumeAgents()), List.of(), Map.of(),
                    System.currentTimeMillis()));
        }
        return fresh.size();
    }

    /** {@code count} new unplaced replicas of a release's service. */
    private List<Work> replicas(Manifest m, Manifest.Service s, String releaseId, int count) {
        List<Work> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new Work(NodeNumbers.agentId(random), "", "pending", null, s.common().image(), ShellWords.join(s.common().command()),
                    s.cpuLimit(), s.memoryLimitMb(), m.appName(), "service", s.name(), releaseId, null,
                    requiredLabels(s.requiredLabels(), new ArrayList<>()),   // the apply checked their form
                    RunDetails.of(s, dev.yoq.app.AppWorkloads.declaredOrLocal(m))));
        }
        return out;
    }

    /**
     * How long a canary runs beside the old replicas before the first old one goes: long enough for its agent to
     * find it unhealthy (the check's interval × retries, probed at the agent's 5 s cycle at the fastest), or the
     * batch delay if longer.
     */
    static long canaryWindowMs(Manifest.Service s) {
        long window = s.rollout() == null ? 0 : s.rollout().delayBetweenBatches() * 1000;
        if (s.healthCheck() != null) window = Math.max(window, Math.max(5, s.healthCheck().interval()) * 1000 * Math.max(1, s.healthCheck().retries()));
        return Math.max(5_000, window);
    }

    private static boolean sleep() {
        try {
            Thread.sleep(POLL_MS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A workload's {@code required_labels} (k=v each) as the scheduler matches them; what is malformed goes to {@code problems}. */
    public static Map<String, String> requiredLabels(List<String> required, List<String> problems) {
        return AgentRegistration.labels(String.join(",", required), problems);
    }

    /** CPU (millicores) and memory (MiB) a worker's run asks of its agent: the spec's figures for a scheduled worker. */
    public static final long WORKER_CPU = 1000, WORKER_MEMORY_MB = 256;

    /**
     * Records one run of a worker as an assignment on an agent the scheduler picks now, or nothing when none can take
     * it (the reason comes back in {@link WorkerRun#unplacedReason}).
     */
    public WorkerRun runWorker(Manifest m, Manifest.Worker w, String releaseId, long now) {
        Work run = oneShot(NodeNumbers.agentId(random), m, "worker", w.name(), w.common(), releaseId,
                requiredLabels(w.requiredLabels(), new ArrayList<>()), now);
        Command.NewAssignment placed = WorkPlan.placeNew(agents(), work(null), List.of(run), volumeAgents()).get(0);
        if (placed.agentId().isEmpty()) return new WorkerRun(placed.id(), null, placed.reason());
        bus.submitAsLeader(new Command.PlaceAssignments(List.of(placed), List.of(), Map.of(), now));
        return new WorkerRun(placed.id(), placed.agentId(), null);
    }

    /**
     * One unplaced run of a worker or cron ({@code kind}) of app {@code m}: its image, command, env, capabilities and
     * volumes, the spec's limits.
     */
    static Work oneShot(String id, Manifest m, String kind, String name, Manifest.Common c, String releaseId, Map<String, String> labels,
                        long now) {
        return new Work(id, "", "pending", null, c.image(), ShellWords.join(c.command()), WORKER_CPU, WORKER_MEMORY_MB, m.appName(), kind,
                name, releaseId, null, labels, RunDetails.of(c, dev.yoq.app.AppWorkloads.declaredOrLocal(m)), now);
    }

    /** A worker run placed on {@code agentId}, or not placed ({@code agentId} null) for {@code unplacedReason}. */
    public record WorkerRun(String id, String agentId, String unplacedReason) {}

    /** When each of the app's runs that ended did (its agent's stopped or failed report), by assignment id. */
    @SuppressWarnings("unchecked")
    public Map<String, Long> finishTimes(String app) {
        Map<String, Long> times = new java.util.HashMap<>();
        for (Object[] r : (List<Object[]>) em.createNativeQuery("SELECT id, finished_at FROM assignments WHERE app_name = ?1 AND finished_at IS NOT NULL")
                .setParameter(1, app).getResultList()) {
            times.put((String) r[0], ((Number) r[1]).longValue());
        }
        return times;
    }

    /** The app's worker and cron runs on agents, newest first. */
    public List<Work> runs(String app) {
        List<Work> runs = new ArrayList<>(work(null).stream().filter(w -> w.oneShot() && app.equals(w.appName())).toList());
        java.util.Collections.reverse(runs);
        return runs;
    }

    /** Whether some agent can take work now (active, role not {@code server}): else an apply is refused at once. */
    public boolean anyAgentTakesWork() {
        return agents().stream().anyMatch(a -> a.status() == NodeStatus.ACTIVE && a.role().runsWork());
    }

    /** Removes every assignment of the app (their agents stop them); returns how many. */
    public int down(String app) {
        List<String> ids = ids("SELECT id FROM assignments WHERE app_name = ?1", app);
        return ids.isEmpty() ? 0 : bus.submit(new Command.RemoveAssignments(ids));
    }

    /**
     * {@code GET /v1/status} rows of the apps running on agents: for each app with assignments, the services of its
     * serving release (the newest completed one, else the one in progress), with those of a release rolling out
     * beside it.
     */
    public List<Map<String, Object>> statusRows() {
        List<Work> all = work(null).stream().filter(Work::service).toList();
        if (all.isEmpty()) return List.of();
        Map<String, List<ReleaseRecord>> byApp = new java.util.HashMap<>();   // newest first
        for (ReleaseRecord r : FreshReads.fresh(em.createQuery("SELECT r FROM ReleaseRecord r WHERE r.status IN ('pending', 'in_progress', "
                + "'completed') ORDER BY r.createdAt DESC, r.seq DESC", ReleaseRecord.class)).getResultList()) {
            byApp.computeIfAbsent(r.getAppName(), k -> new ArrayList<>()).add(r);
        }
        List<ClusterServiceRows.Serving> serving = new ArrayList<>();
        for (String app : new java.util.TreeSet<>(all.stream().map(Work::appName).filter(java.util.Objects::nonNull).toList())) {
            List<ReleaseRecord> releases = byApp.getOrDefault(app, List.of());
            ReleaseRecord r = releases.stream().filter(x -> "completed".equals(x.getStatus())).findFirst()
                    .orElse(releases.isEmpty() ? null : releases.get(0));
            if (r == null) continue;
            // a newer release rolling out: its replicas serve beside the old ones, and its counts are the target
            ReleaseRecord rolling = releases.get(0) != r && !"completed".equals(releases.get(0).getStatus()) ? releases.get(0) : null;
            Map<String, Integer> desired = new java.util.LinkedHashMap<>();
            Map<String, Boolean> checked = new java.util.HashMap<>();
            Manifest m;
            try {
                m = snapshots.of((rolling == null ? r : rolling).getId());   // parsed once, kept by the monitors' cache
            } catch (RuntimeException unreadable) {   // one bad snapshot must not take the whole route down
                LOG.warning("status of app " + app + ": release " + r.getId() + ": " + unreadable.getMessage());
                continue;
            }
            if (m == null) continue;
            for (Manifest.Service s : m.services()) {
                desired.put(s.name(), s.replicas());
                checked.put(s.name(), s.healthCheck() != null);
            }
            serving.add(new ClusterServiceRows.Serving(app, r.getId(), rolling == null ? null : rolling.getId(), desired, checked));
        }
        return ClusterServiceRows.of(serving, all, samples.all(), System.currentTimeMillis());
    }

    @Timeout
    void tick(Timer timer) {
        if (!cluster.leadsStartedCluster()) return;
        try {
            if ("placement".equals(timer.getInfo())) placeWaiting();
            else resumeOrphanedReleases();
        } catch (dev.yoq.state.LeadershipLostException e) {
            LOG.info("cluster " + timer.getInfo() + " left to the next leader: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warning("cluster " + timer.getInfo() + ": " + e.getMessage());
        }
    }

    private void placeWaiting() {
        // a release given up on (its apply's thread failed) leaves its assignments: nothing serves from them
        List<String> abandoned = ids("SELECT a.id FROM assignments a JOIN deployments d ON d.id = a.release_id WHERE d.status = 'failed' "
                + "AND COALESCE(a.workload_kind, 'service') = 'service'");   // a run goes to its end whatever its release became
        if (!abandoned.isEmpty()) bus.submitAsLeader(new Command.RemoveAssignments(abandoned));
        List<Work> all = work(null);
        WorkPlan.Decision d = WorkPlan.plan(agents(), all, servingReleases(), volumeAgents(), System.currentTimeMillis(),
                () -> NodeNumbers.agentId(random));
        if (!d.created().isEmpty() || !d.placed().isEmpty() || !d.stillWaiting().isEmpty()) {
            bus.submitAsLeader(new Command.PlaceAssignments(d.created(), d.placed(), d.stillWaiting(), System.currentTimeMillis()));
        }
        if (!d.removed().isEmpty()) bus.submitAsLeader(new Command.RemoveAssignments(d.removed()));
        for (Work w : all) {
            if (d.lost().containsKey(w.id())) {
                bus.submitAsLeader(new Command.ReportAssignment(w.agentId(), w.id(), "failed", d.lost().get(w.id()), System.currentTimeMillis()));
            }
        }
    }

    /** Each app's newest completed release. */
    @SuppressWarnings("unchecked")
    private java.util.Set<String> servingReleases() {
        java.util.Map<String, String> newest = new java.util.HashMap<>();
        for (Object[] r : (List<Object[]>) em.createNativeQuery("SELECT app_name, id FROM deployments WHERE status = 'completed' "
                + "ORDER BY created_at DESC, seq DESC").getResultList()) {
            newest.putIfAbsent((String) r[0], (String) r[1]);
        }
        return new java.util.HashSet<>(newest.values());
    }

    /** A release in progress that no thread here follows (its leader died, or the apply's thread gave up waiting). */
    private void resumeOrphanedReleases() {
        // a paused one waits for its resume unfollowed (its app free for an apply that supersedes it, as on a single node)
        for (ReleaseRecord r : FreshReads.fresh(em.createQuery("SELECT r FROM ReleaseRecord r WHERE r.status IN ('pending', 'in_progress') "
                + "AND r.controlState <> 'paused' ORDER BY r.createdAt, r.seq", ReleaseRecord.class)).getResultList()) {
            if (!rollouts.begin(r.getAppName())) continue;
            LOG.info("release " + r.getId() + " (app " + r.getAppName() + ") followed on this leader");
            try {
                executor.execute(() -> {
                    try {
                        follow(r.getId());
                    } catch (RuntimeException e) {
                        LOG.warning("following release " + r.getId() + ": " + e);
                    } finally {
                        rollouts.end(r.getAppName());
                    }
                });
            } catch (RuntimeException e) {
                rollouts.end(r.getAppName());
            }
        }
    }

    private void record(String releaseId, String status, String message, String targetsJson, int running, int failed) {
        bus.submitAsLeader(new Command.RecordRolloutProgress(releaseId, status, message, running, failed, null, targetsJson, null));
    }

    private ReleaseRecord release(String id) {
        return em.find(ReleaseRecord.class, id, FreshReads.FIND);
    }

    @SuppressWarnings("unchecked")
    public List<AgentView> agents() {
        List<AgentView> out = new ArrayList<>();
        for (Object[] r : (List<Object[]>) em.createNativeQuery("SELECT id, status, role, cpu_cores, memory_mb, labels, last_heartbeat "
                + "FROM agents").getResultList()) {
            out.add(new AgentView((String) r[0], NodeStatus.parse((String) r[1]), NodeRole.parse((String) r[2]), ((Number) r[3]).intValue(),
                    ((Number) r[4]).longValue(), AgentRegistration.labels((String) r[5], new ArrayList<>()), ((Number) r[6]).longValue()));
        }
        return out;
    }

    /** Which agent holds each local volume, as {@code <app>/<volume>} → agent id. */
    @SuppressWarnings("unchecked")
    public Map<String, String> volumeAgents() {
        Map<String, String> out = new java.util.HashMap<>();
        for (Object[] r : (List<Object[]>) em.createNativeQuery("SELECT app_name, name, agent_id FROM cluster_volumes").getResultList()) {
            out.put(r[0] + "/" + r[1], (String) r[2]);
        }
        return out;
    }

    /** Every assignment, or one release's. */
    @SuppressWarnings("unchecked")
    public List<Work> work(String releaseId) {
        var q = em.createNativeQuery("SELECT id, agent_id, status, status_reason, image, command, cpu_limit, memory_limit_mb, app_name, "
                + "workload_kind, workload_name, release_id, replaces, required_labels, details, created_at FROM assignments"
                + (releaseId == null ? "" : " WHERE release_id = ?1") + " ORDER BY created_at, id");
        if (releaseId != null) q.setParameter(1, releaseId);
        List<Work> out = new ArrayList<>();
        for (Object[] r : (List<Object[]>) q.getResultList()) {
            out.add(new Work((String) r[0], (String) r[1], (String) r[2], (String) r[3], (String) r[4], (String) r[5],
                    ((Number) r[6]).longValue(), ((Number) r[7]).longValue(), (String) r[8], (String) r[9], (String) r[10],
                    (String) r[11], (String) r[12], AgentRegistration.labels((String) r[13], new ArrayList<>()), (String) r[14],
                    ((Number) r[15]).longValue()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<String> ids(String sql, Object... params) {
        var q = em.createNativeQuery(sql);
        for (int i = 0; i < params.length; i++) q.setParameter(i + 1, params[i]);
        return (List<String>) q.getResultList();
    }
}
