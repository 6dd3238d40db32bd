package dev.yoq.app;

import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.SnapshotReader;
import dev.yoq.model.ContainerRecord;
import dev.yoq.model.ReleaseRecord;
import dev.yoq.model.WorkloadRunRecord;
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
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Logger;

/**
 * Cron jobs and one-shot runs (spec §3.13, §2.2 workers/run). Each cron of an app's current release has an EJB
 * interval timer of its {@code every} (fixed rate from its first run at now + every: no drift, however long runs
 * take); a run still going when the next is due is skipped and recorded. A release replaces the app's schedules
 * (a rollback restores the older ones with its snapshot). A 1 s sweep records how finished runs ended.
 */
@Singleton
@Startup
@jakarta.ejb.DependsOn("ServerStartup")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class CronScheduler {
    private static final Logger LOG = Logger.getLogger(CronScheduler.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String SWEEP = "workload-run-sweep";
    static final int KEPT_RUNS = 3;

    @Resource
    TimerService timers;
    @EJB
    dev.yoq.server.ServerStartup startup;
    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @EJB
    AppContainers app;
    @Inject
    dev.yoq.cluster.ClusterInfo cluster;

    @Inject
    CommandBus bus;
    @EJB
    ReleaseSnapshots snapshots;

    /** Timer info: which cron of which app, from which release. */
    record Schedule(String app, String cron, String releaseId) implements java.io.Serializable {}

    @PostConstruct
    void start() {
        timers.createIntervalTimer(1_000, 1_000, new TimerConfig(SWEEP, false));
    }

    private volatile boolean restored;

    /** After a server start: every app's cron schedules from its current release (once the database is ready). */
    private void restoreSchedules() {
        restored = true;
        List<String> apps = em.createQuery("SELECT DISTINCT r.appName FROM ReleaseRecord r WHERE r.appName NOT IN "
                + "(SELECT d.appName FROM AppDownRecord d)", String.class).getResultList();
        for (String a : apps) refresh(a);
    }

    /** The app's cron timers follow its newest release that did not fail outright. */
    public synchronized void refresh(String appName) {
        cancel(appName);
        ReleaseRecord r = FreshReads.fresh(em.createQuery("SELECT r FROM ReleaseRecord r WHERE r.appName = :a AND r.status IN "
                + "('completed', 'partially_failed', 'in_progress') ORDER BY r.createdAt DESC, r.seq DESC", ReleaseRecord.class)
                .setParameter("a", appName)).setMaxResults(1).getResultList().stream().findFirst().orElse(null);
        if (r == null) return;
        for (Manifest.Cron c : SnapshotReader.read(r.getConfigSnapshot()).crons()) {
            long everyMs = c.every() * 1000;
            timers.createIntervalTimer(everyMs, everyMs, new TimerConfig(new Schedule(appName, c.name(), r.getId()), false));
        }
    }

    /** No more cron runs for the app ({@code yoq down}, or before a new release's schedules). */
    public synchronized void cancel(String appName) {
        for (Timer t : timers.getTimers()) {
            if (t.getInfo() instanceof Schedule s && s.app().equals(appName)) t.cancel();
        }
    }

    @Timeout
    void fire(Timer timer) {
        // on a cluster the leader's ClusterWork runs crons on agents, once per slot (CronSlots): nothing runs here
        if (!startup.report().ready() || cluster.clustered()) return;
        if (SWEEP.equals(timer.getInfo())) {
            if (!restored) restoreSchedules();
            sweep();
            return;
        }
        if (!(timer.getInfo() instanceof Schedule s)) return;
        firing.computeIfAbsent(s.app(), a -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        try {
            runCron(s);
        } catch (RuntimeException e) {
            LOG.warning("cron " + s.app() + "/" + s.cron() + " could not run: " + e.getMessage());
        } finally {
            firing.get(s.app()).decrementAndGet();
        }
    }

    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> firing = new java.util.concurrent.ConcurrentHashMap<>();

    /** Cancels the app's schedules and waits (up to 10 s) for a run that was starting to have its container. */
    public void stop(String appName) {
        cancel(appName);
        long deadline = System.currentTimeMillis() + 10_000;
        var count = firing.get(appName);
        while (count != null && count.get() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void runCron(Schedule s) {
        long now = System.currentTimeMillis();
        String runId = newId();
        List<WorkloadRunRecord> running = FreshReads.fresh(em.createQuery("SELECT w FROM WorkloadRunRecord w WHERE w.appName = :a "
                + "AND w.kind = 'cron' AND w.name = :n AND w.outcome = 'running'", WorkloadRunRecord.class)
                .setParameter("a", s.app()).setParameter("n", s.cron())).getResultList();
        if (!running.isEmpty()) {
            bus.submit(new Command.RecordWorkloadRun(runId, s.app(), "cron", s.cron(), s.releaseId(), null, "skipped",
                    "the previous run (" + running.get(0).getId() + ") is still going", now));
            return;
        }
        ReleaseRecord r = em.find(ReleaseRecord.class, s.releaseId(), FreshReads.FIND);
        if (r == null || em.find(dev.yoq.model.AppDownRecord.class, s.app(), FreshReads.FIND) != null) return;
        Manifest m = snapshots.of(r.getId());
        Manifest.Cron cron = m.crons().stream().filter(c -> c.name().equals(s.cron())).findFirst().orElse(null);
        if (cron == null) return;
        start(s.app(), m, "cron", cron.name(), cron.common(), r.getId(), runId);
    }

    /** Starts a worker or cron run from a release's snapshot; returns the run (its outcome failed if it could not start). */
    public WorkloadRunRecord start(String appName, Manifest m, String kind, String name, Manifest.Common common, String releaseId,
                                   String runId) {
        long now = System.currentTimeMillis();
        bus.submit(new Command.RecordWorkloadRun(runId, appName, kind, name, releaseId, null, "running", null, now));
        AppContainers.Started st = app.startOneShot(appName, app.volumes(appName, m), kind, name, common, releaseId, runId);
        if (!st.ok()) {
            bus.submit(new Command.FinishWorkloadRun(runId, "failed", null, st.reason() + ": " + st.message(), System.currentTimeMillis()));
        } else {
            bus.submit(new Command.SetWorkloadRunContainer(runId, st.containerId()));
        }
        return em.find(WorkloadRunRecord.class, runId, FreshReads.FIND);
    }

    /** Records the exit of every run whose container has ended. */
    private void sweep() {
        for (WorkloadRunRecord w : FreshReads.fresh(em.createQuery(
                "SELECT w FROM WorkloadRunRecord w WHERE w.outcome = 'running' AND w.containerId IS NOT NULL", WorkloadRunRecord.class)).getResultList()) {
            ContainerRecord c = em.find(ContainerRecord.class, w.getContainerId(), FreshReads.FIND);
            if (c == null) {
                bus.submit(new Command.FinishWorkloadRun(w.getId(), "failed", null, "its container was removed", System.currentTimeMillis()));
            } else if (!"running".equals(c.getStatus()) && !"created".equals(c.getStatus())) {
                boolean ok = c.getExitCode() != null && c.getExitCode() == 0;
                bus.submit(new Command.FinishWorkloadRun(w.getId(), ok ? "succeeded" : "failed", c.getExitCode(), c.getStatusReason(),
                        c.getFinishedAt() == null ? System.currentTimeMillis() : c.getFinishedAt()));
                removeOldRuns(w);
            }
        }
    }

    /** Finished runs keep their containers (and logs) for the newest {@value #KEPT_RUNS} runs of a workload only. */
    private void removeOldRuns(WorkloadRunRecord w) {
        List<WorkloadRunRecord> done = FreshReads.fresh(em.createQuery("SELECT w FROM WorkloadRunRecord w WHERE w.appName = :a AND w.kind = :k "
                + "AND w.name = :n AND w.outcome <> 'running' AND w.containerId IS NOT NULL ORDER BY w.startedAt DESC", WorkloadRunRecord.class)
                .setParameter("a", w.getAppName()).setParameter("k", w.getKind()).setParameter("n", w.getName())).getResultList();
        for (WorkloadRunRecord old : done.subList(Math.min(KEPT_RUNS, done.size()), done.size())) {
            try {
                app.remove(old.getContainerId());
                bus.submit(new Command.SetWorkloadRunContainer(old.getId(), null));
            } catch (RuntimeException e) {
                LOG.warning("cannot remove the container of an old run " + old.getId() + ": " + e.getMessage());
            }
        }
    }

    public static String newId() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
