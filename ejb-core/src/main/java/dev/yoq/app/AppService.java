package dev.yoq.app;

import dev.yoq.manifest.AppSnapshot;
import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.HostPathRules;
import dev.yoq.manifest.ManifestException;
import dev.yoq.manifest.Problem;
import dev.yoq.manifest.SnapshotReader;
import dev.yoq.model.ContainerRecord;
import dev.yoq.model.ReleaseRecord;
import dev.yoq.model.WorkloadRunRecord;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.FreshReads;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Apps on this node (spec §1.4, §2.2 app routes, §4.4): apply a snapshot as a release and roll it out, dry runs,
 * rollback, rollout control, worker runs, down, and the release views. Releases are written through commands;
 * the rollout is the {@link RolloutExecutor}'s.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class AppService {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(AppService.class.getName());
    static final Pattern BAD_NAME_CHARS = Pattern.compile("['\";\\\\\\p{Cntrl}]");
    static final Pattern RELEASE_ID = Pattern.compile("[0-9a-f]{1,64}");

    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @EJB
    dev.yoq.security.SecretService secrets;

    @Inject
    CommandBus bus;
    @EJB
    AppRollouts rollouts;
    @EJB
    RolloutExecutor executor;
    @EJB
    AppContainers containers;
    @EJB
    CronScheduler crons;
    @EJB
    ReleaseSnapshots snapshots;
    @EJB
    dev.yoq.server.ServerStartup startup;
    @Inject
    dev.yoq.cluster.ClusterInfo cluster;
    @EJB
    dev.yoq.cluster.work.ClusterWork clusterWork;
    @Inject
    @ConfigProperty(name = "yoq.releases.keep", defaultValue = "50")
    int releasesKept;

    /** A release and the workload counts of its snapshot. */
    public record Release(ReleaseRecord record, int services, int workers, int crons, int trainingJobs) {}

    /** GET /apps/{app}/status: the newest release and the newest completed one before it. */
    /** An app's newest release, its previous successful one, and since when it is down ({@code yoq down}), or null. */
    public record Status(Release current, Release previousSuccessful, Long downSince) {}

    /** One row of the history, marked when it is the current or the previous successful release. */
    public record HistoryEntry(Release release, boolean current, boolean previousSuccessful) {}

    public record DryRun(String app, String proposedHash, ReleaseRecord current, List<AppPlanner.Change> changes) {}

    /** Applies a snapshot: a new release, rolled out before this returns. 409 while the app has a rollout running. */
    public Release apply(String snapshotJson, String actor) {
        return apply(snapshotJson, actor, scope -> true);
    }

    /**
     * {@code holds}: which scopes the caller holds. A manifest that gives its workloads secrets takes
     * {@code secrets:read} (or a token that may only deploy could read any secret through them); one whose ACME uses
     * the exec DNS hook takes {@code *} (the hook is a command the server runs).
     */
    public Release apply(String snapshotJson, String actor, java.util.function.Predicate<String> holds) {
        Manifest m = checkHostPaths(read(snapshotJson));
        if (usesSecrets(m) && !holds.test("secrets:read")) {
            throw new dev.yoq.security.SecurityException(dev.yoq.security.SecurityException.Kind.FORBIDDEN,
                    "missing scope: secrets:read (the manifest gives its workloads secrets)");
        }
        if (runsDnsHook(m) && !holds.test("*")) {
            throw new dev.yoq.security.SecurityException(dev.yoq.security.SecurityException.Kind.FORBIDDEN,
                    "missing scope: * (tls.acme.dns runs a hook command on the server)");
        }
        return apply(m, "apply", null, actor);
    }

    private static boolean runsDnsHook(Manifest m) {
        return m.services().stream().anyMatch(s -> s.tls() != null && s.tls().acme() != null && s.tls().acme().dns() != null
                && (!s.tls().acme().dns().hook().isEmpty() || !s.tls().acme().dns().secrets().isEmpty()));
    }

    private static boolean usesSecrets(Manifest m) {
        return java.util.stream.Stream.of(m.services().stream().map(Manifest.Service::common), m.workers().stream().map(Manifest.Worker::common),
                        m.crons().stream().map(Manifest.Cron::common), m.trainingJobs().stream().map(Manifest.TrainingJob::common))
                .flatMap(x -> x).anyMatch(c -> !c.secrets().isEmpty() || !c.envSecrets().isEmpty());
    }

    /** A snapshot naming a protected host path is refused before anything is recorded. */
    private Manifest checkHostPaths(Manifest m) {
        List<Problem> refused = HostPathRules.check(m, startup.settings().hostPaths());
        if (!refused.isEmpty()) {
            throw new AppException(AppException.Kind.INVALID, String.join("; ", refused.stream().map(p -> p.describe("snapshot")).toList()));
        }
        return m;
    }

    /** Host paths a release mounts into containers are a sensitive act of their own: one audit entry naming them. */
    private void auditHostPaths(Manifest m, String actor, long at) {
        List<String> binds = java.util.stream.Stream.of(m.services().stream().map(Manifest.Service::common),
                        m.workers().stream().map(Manifest.Worker::common), m.crons().stream().map(Manifest.Cron::common),
                        m.trainingJobs().stream().map(Manifest.TrainingJob::common))
                .flatMap(x -> x).flatMap(c -> c.volumes().stream()).filter(v -> "bind".equals(v.kind()))
                .map(v -> v.source() + ":" + v.target()).distinct().toList();
        if (binds.isEmpty()) return;
        String target = m.appName() + ": " + String.join(", ", binds);
        bus.submit(new Command.RecordAudit(actor, "host_path_mount", target.length() > 1000 ? target.substring(0, 1000) : target, "ok", at));
    }

    /** A workload naming a secret the store does not hold is refused before the release starts, naming both. */
    private void missingSecrets(Manifest m) {
        List<String> missing = new java.util.ArrayList<>();
        java.util.function.BiConsumer<String, Manifest.Common> check = (what, c) -> {
            for (String name : c.secrets()) if (!secrets.exists(name)) missing.add(what + ".secrets: " + name);
            for (String e : c.envSecrets()) {
                String name = e.substring(e.indexOf('=') + 1);
                if (!secrets.exists(name)) missing.add(what + ".env_secrets: " + name);
            }
        };
        m.services().forEach(s -> check.accept("service." + s.name(), s.common()));
        m.workers().forEach(w -> check.accept("worker." + w.name(), w.common()));
        m.crons().forEach(c -> check.accept("cron." + c.name(), c.common()));
        if (!missing.isEmpty()) {
            throw new AppException(AppException.Kind.INVALID, "secret not found: " + String.join("; ", missing)
                    + " (store it first: yoq secret set NAME)");
        }
    }

    private Release apply(Manifest m, String trigger, String source, String actor) {
        if (m.services().isEmpty() && m.workers().isEmpty() && m.crons().isEmpty() && m.trainingJobs().isEmpty()) {
            throw new AppException(AppException.Kind.INVALID, "no services to deploy");
        }
        // the longest replica name must fit before anything is recorded
        m.services().forEach(s -> AppWorkloads.replicaName(m.appName(), s.name(), s.replicas(), "000000000000"));
        missingSecrets(m);
        if (cluster.clustered()) {
            ClusterApps.check(m);
            // the spec refuses only services without agents: workers and crons wait for an agent when they run
            if (!m.services().isEmpty() && !clusterWork.anyAgentTakesWork()) throw new AppException(AppException.Kind.INVALID, "no agents available");
        }
        if (!rollouts.claim(m.appName())) throw new AppException(AppException.Kind.CONFLICT, "apply already in progress");
        try {
            String snapshot = AppSnapshot.json(m);
            String id = CronScheduler.newId();
            long now = System.currentTimeMillis();
            bus.submit(new Command.CreateRelease(id, m.appName(), trigger, source, AppSnapshot.hash(snapshot), snapshot, actor, now));
            auditHostPaths(m, actor, now);
            try {
                if (cluster.clustered()) {   // the replicas run on agents
                    clusterWork.follow(id);
                } else {
                    executor.execute(id);
                }
            } catch (dev.yoq.state.NotCommittedException e) {
                if (!cluster.clustered()) {
                    rollouts.abandon(id, e);
                } else {   // lost leadership, or no majority for now: the release is recorded, and whichever server
                    // leads next places and follows it (ClusterWork's recovery); failing it from here could land
                    // on top of that leader's work
                    LOG.info("release " + id + " left to the leader's recovery: " + e.getMessage());
                }
            } catch (RuntimeException e) {
                rollouts.abandon(id, e);
            }
            bus.submit(new Command.CompactReleases(m.appName(), releasesKept));
            return release(find(id));
        } finally {
            rollouts.end(m.appName());
        }
    }

    public DryRun dryRun(String snapshotJson) {
        Manifest m = read(snapshotJson);
        String snapshot = AppSnapshot.json(m);
        ReleaseRecord current = latest(m.appName());
        return new DryRun(m.appName(), AppSnapshot.hash(snapshot), current,
                AppPlanner.changes(WorkloadHashes.of(snapshot), current == null ? Map.of() : WorkloadHashes.of(current.getConfigSnapshot())));
    }

    /** The status of every app (its newest release and the previous successful one). */
    public List<Status> apps() {
        List<String> names = FreshReads.fresh(em.createQuery("SELECT DISTINCT r.appName FROM ReleaseRecord r ORDER BY r.appName", String.class))
                .getResultList();
        return names.stream().map(this::status).toList();
    }

    public Status status(String app) {
        List<ReleaseRecord> all = all(checkName(app));
        if (all.isEmpty()) throw new AppException(AppException.Kind.NOT_FOUND, "app not found");
        ReleaseRecord previous = previousSuccessful(all);
        dev.yoq.model.AppDownRecord down = em.find(dev.yoq.model.AppDownRecord.class, app, FreshReads.FIND);
        return new Status(release(all.get(0)), previous == null ? null : release(previous), down == null ? null : down.getDownAt());
    }

    public List<HistoryEntry> history(String app) {
        List<ReleaseRecord> all = all(checkName(app));
        if (all.isEmpty()) throw new AppException(AppException.Kind.NOT_FOUND, "app not found");
        ReleaseRecord previous = previousSuccessful(all);
        List<HistoryEntry> out = new ArrayList<>();
        for (ReleaseRecord r : all) {
            out.add(new HistoryEntry(release(r), r == all.get(0), previous != null && previous.getId().equals(r.getId())));
        }
        return out;
    }

    /** The stored snapshot of the rollback target ({@code print}), or a new release applying it. */
    public Object rollback(String app, String releaseId, boolean print, String actor) {
        checkName(app);
        if (releaseId != null && !RELEASE_ID.matcher(releaseId).matches()) throw new AppException(AppException.Kind.INVALID, "invalid release id");
        ReleaseRecord target = releaseId != null ? em.find(ReleaseRecord.class, releaseId, FreshReads.FIND) : previousSuccessful(all(app));
        if (target == null || !app.equals(target.getAppName())) {
            throw new AppException(AppException.Kind.NOT_FOUND, releaseId != null ? "release " + releaseId + " not found for app " + app
                    : "no previous successful release to roll back to");
        }
        if (print) return target.getConfigSnapshot();
        return apply(SnapshotReader.read(target.getConfigSnapshot()), "rollback", target.getId(), actor);
    }

    /** pause → paused, resume → active (a paused rollout goes on, same release), cancel → cancel_requested. */
    public ReleaseRecord control(String app, String action) {
        String state = switch (action) {
            case "pause" -> "paused";
            case "resume" -> "active";
            case "cancel" -> "cancel_requested";
            default -> throw new AppException(AppException.Kind.NOT_FOUND, "unknown rollout action " + action + " (pause, resume or cancel)");
        };
        ReleaseRecord current = latest(checkName(app));
        boolean active = current != null && (List.of("pending", "in_progress").contains(current.getStatus())
                || "partially_failed".equals(current.getStatus()) && "paused".equals(current.getControlState()));
        if (!active) throw new AppException(AppException.Kind.NOT_FOUND, "no active release for app " + app);
        bus.submit(new Command.SetRolloutControl(current.getId(), state));
        return find(current.getId());
    }

    /** Starts a one-shot run of a worker of the app's current release. */
    public WorkloadRunRecord runWorker(String app, String worker) {
        checkName(app);
        if (BAD_NAME_CHARS.matcher(worker).find() || worker.isEmpty() || worker.length() > 256) {
            throw new AppException(AppException.Kind.INVALID, "invalid app or worker name");
        }
        // on a cluster the serving release (its newest completed one): a release that failed, or is still being
        // cut over, may be given up and its assignments removed, and a run must go to its end
        ReleaseRecord current = cluster.clustered() ? serving(app) : latest(app);
        if (current == null) throw new AppException(AppException.Kind.NOT_FOUND, "app not found");
        Manifest m = SnapshotReader.read(current.getConfigSnapshot());
        Manifest.Worker w = m.workers().stream().filter(x -> x.name().equals(worker)).findFirst()
                .orElseThrow(() -> new AppException(AppException.Kind.NOT_FOUND, "worker " + worker + " not found in app " + app));
        if (cluster.clustered()) return runWorkerOnAgent(m, w, current.getId());
        return crons.start(app, m, "worker", w.name(), w.common(), current.getId(), CronScheduler.newId());
    }

    private ReleaseRecord serving(String app) {
        return FreshReads.fresh(em.createQuery("SELECT r FROM ReleaseRecord r WHERE r.appName = :a AND r.status = 'completed' "
                + "ORDER BY r.createdAt DESC, r.seq DESC", ReleaseRecord.class).setParameter("a", app)).setMaxResults(1)
                .getResultList().stream().findFirst().orElse(null);
    }

    /** On a cluster a run is an assignment on an agent the scheduler picks now; none that can take it: a failed run. */
    private WorkloadRunRecord runWorkerOnAgent(Manifest m, Manifest.Worker w, String releaseId) {
        ClusterApps.check(m);   // a release applied before workers ran on agents may hold one that cannot
        if (em.find(dev.yoq.model.AppDownRecord.class, m.appName(), FreshReads.FIND) != null) {   // its runs would not be recorded
            throw new AppException(AppException.Kind.INVALID, "app " + m.appName() + " is down: yoq up before running its workers");
        }
        long now = System.currentTimeMillis();
        var run = clusterWork.runWorker(m, w, releaseId, now);
        return run.agentId() == null
                ? WorkloadRunRecord.onAgent(run.id(), m.appName(), "worker", w.name(), releaseId, "failed", null, run.unplacedReason(), now)
                : WorkloadRunRecord.onAgent(run.id(), m.appName(), "worker", w.name(), releaseId, "running", null, "on agent " + run.agentId(), now);
    }

    public List<WorkloadRunRecord> runs(String app) {
        if (cluster.clustered()) {
            // runs first: a run that ended by this read has its time (written in the same entry) by the next
            List<dev.yoq.cluster.work.Work> runs = clusterWork.runs(checkName(app));
            Map<String, Long> finished = clusterWork.finishTimes(app);
            return runs.stream().limit(100).map(w -> dev.yoq.cluster.work.AgentRuns.of(w, finished.get(w.id()))).toList();
        }
        return FreshReads.fresh(em.createQuery("SELECT w FROM WorkloadRunRecord w WHERE w.appName = :a ORDER BY w.startedAt DESC",
                WorkloadRunRecord.class).setParameter("a", checkName(app))).setMaxResults(100).getResultList();
    }

    /** Stops and removes every container of the app, newest first, its cron schedules and services; returns how many. */
    public int down(String app) {
        checkName(app);
        if (!rollouts.claim(app)) throw new AppException(AppException.Kind.CONFLICT, "apply already in progress");
        try {   // held throughout: no rollout, recovery or reconcile starts a replica while they are removed
            if (cluster.clustered()) {   // its agents stop what is no longer assigned to them
                bus.submit(new Command.MarkAppDown(app, System.currentTimeMillis()));
                return clusterWork.down(app);
            }
            return removeAll(app);
        } finally {
            rollouts.end(app);
        }
    }

    private int removeAll(String app) {
        bus.submit(new Command.MarkAppDown(app, System.currentTimeMillis()));
        crons.stop(app);   // no cron run is starting after this
        int removed = 0;
        RuntimeException last = null;
        for (int pass = 0; ; pass++) {   // three removal passes; the fourth look only checks
            List<ContainerRecord> all = containers.all(app);
            if (all.isEmpty()) {
                containers.removeServices(app);   // their VIPs and host ports go back; the next up takes them again
                return removed;
            }
            if (pass == 3) {
                throw new AppException(AppException.Kind.CONFLICT, "could not remove every container of " + app
                        + (last == null ? "" : ": " + last.getMessage()) + "; run yoq down again");
            }
            for (ContainerRecord c : all) {
                try {
                    containers.remove(c.getId());
                    removed++;
                } catch (RuntimeException e) {   // e.g. a one-shot run between created and running: next pass
                    last = e;
                }
            }
        }
    }

    private Release release(ReleaseRecord r) {
        Manifest m = snapshots.of(r.getId());
        return new Release(r, m.services().size(), m.workers().size(), m.crons().size(), m.trainingJobs().size());
    }

    private Manifest read(String json) {
        nameOf(json);
        try {
            return SnapshotReader.read(json);
        } catch (ManifestException e) {
            if (e.problems().stream().anyMatch(p -> "NoServices".equals(p.kind()))) throw new AppException(AppException.Kind.INVALID, "no services to deploy");
            List<String> lines = e.problems().stream().filter(Problem::isError).map(p -> p.describe("snapshot")).toList();
            boolean rollout = e.problems().stream().anyMatch(p -> p.isError() && "InvalidRolloutConfig".equals(p.kind()));
            throw new AppException(AppException.Kind.INVALID, (rollout ? "invalid rollout config: " : "") + String.join("; ", lines));
        }
    }

    /** app_name is checked first: the spec's messages for it come before any other problem. */
    private static void nameOf(String json) {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = WorkloadHashes.JSON.readTree(json);
        } catch (java.io.IOException e) {
            return;   // SnapshotReader says what is wrong with it
        }
        if (root == null || !root.isObject()) return;
        com.fasterxml.jackson.databind.JsonNode name = root.get("app_name");
        if (name == null || !name.isTextual() || name.asText().isEmpty()) throw new AppException(AppException.Kind.INVALID, "missing app_name");
        checkName(name.asText());
    }

    static String checkName(String app) {
        if (app == null || app.isEmpty() || app.length() > 256 || BAD_NAME_CHARS.matcher(app).find()) {
            throw new AppException(AppException.Kind.INVALID, "invalid app name");
        }
        return app;
    }

    private ReleaseRecord find(String id) {
        return em.find(ReleaseRecord.class, id, FreshReads.FIND);
    }

    private List<ReleaseRecord> all(String app) {
        return FreshReads.fresh(em.createQuery("SELECT r FROM ReleaseRecord r WHERE r.appName = :a ORDER BY r.createdAt DESC, r.seq DESC",
                ReleaseRecord.class).setParameter("a", app)).getResultList();
    }

    private ReleaseRecord latest(String app) {
        List<ReleaseRecord> all = FreshReads.fresh(em.createQuery("SELECT r FROM ReleaseRecord r WHERE r.appName = :a "
                + "ORDER BY r.createdAt DESC, r.seq DESC", ReleaseRecord.class).setParameter("a", app)).setMaxResults(1).getResultList();
        return all.isEmpty() ? null : all.get(0);
    }

    /** Spec §4.4: the newest completed release that is not the current one (the first of {@code newestFirst}). */
    private static ReleaseRecord previousSuccessful(List<ReleaseRecord> newestFirst) {
        return newestFirst.stream().skip(1).filter(r -> "completed".equals(r.getStatus())).findFirst().orElse(null);
    }
}
