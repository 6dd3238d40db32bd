package dev.yoq.app;

import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.SnapshotReader;
import dev.yoq.model.ContainerRecord;
import dev.yoq.model.ReleaseRecord;
import dev.yoq.runtime.ContainerView;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.CommandRejectedException;
import dev.yoq.state.FreshReads;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Carries out a release's rollout (spec §3.7): batch by batch, within a batch in dependency waves (a service
 * starts once the services it depends on are ready), writing the progress to the release after every step.
 * Started from a checkpoint it carries on where that stopped: targets already ready stay, a service whose
 * container of this release runs is not started twice. Pause and cancel are read between steps.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RolloutExecutor {
    private static final Logger LOG = Logger.getLogger(RolloutExecutor.class.getName());
    static final long POLL_MS = 100;

    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @EJB
    AppContainers app;
    @EJB
    HealthMonitor health;
    @EJB
    CronScheduler crons;
    @Inject
    CommandBus bus;

    /** The rollout ended or stopped (paused, superseded, the node unreachable); the release row tells which. */
    public void execute(String releaseId) {
        ReleaseRecord r = release(releaseId);
        Manifest m = SnapshotReader.read(r.getConfigSnapshot());
        Map<String, String> hashes = WorkloadHashes.of(r.getConfigSnapshot());
        RolloutProgress p = r.getRolloutCheckpointJson() == null ? AppPlanner.start(m, hashes, runningNow(r.getAppName()))
                : ProgressJson.read(r.getRolloutTargetsJson(), r.getRolloutCheckpointJson());
        Run run = new Run(r, m, hashes, p, AppPlanner.policy(m, p));
        try {
            run.volumes = app.volumes(r.getAppName(), m);
            run.go();
        } catch (Superseded e) {
            LOG.info("rollout of release " + releaseId + " stopped: superseded");
        } catch (AppException e) {
            p.endRemaining(Target.FAILED, "start_failed");
            run.save(p.finalStatus(), e.getMessage());
        } catch (RuntimeException e) {   // never left in progress for the recovery loop to retry forever
            LOG.warning("rollout of release " + releaseId + " failed: " + e);
            p.endRemaining(Target.FAILED, "start_failed");
            run.save(p.finalStatus(), "rollout failed: " + e.getMessage());
        }
    }

    /** Last resort when a rollout cannot even record its failure: the release ends failed, its targets as they were. */
    public void abandon(String releaseId, String why) {
        ReleaseRecord r = release(releaseId);
        if (!List.of("pending", "in_progress").contains(r.getStatus())) return;
        bus.submit(new Command.RecordRolloutProgress(releaseId, "failed", "rollout failed: " + why, r.getCompletedTargets(),
                r.getFailedTargets(), r.getFailureDetailsJson(), r.getRolloutTargetsJson(), r.getRolloutCheckpointJson()));
    }

    private final class Run {
        final ReleaseRecord release;
        final String appName;
        final Manifest m;
        final Map<String, String> hashes;
        final RolloutProgress p;
        final Manifest.Rollout policy;
        final Map<String, String> containerOf = new HashMap<>();
        AppWorkloads.Volumes volumes;
        String firstFailure;

        Run(ReleaseRecord release, Manifest m, Map<String, String> hashes, RolloutProgress p, Manifest.Rollout policy) {
            this.release = release;
            this.appName = release.getAppName();
            this.m = m;
            this.hashes = hashes;
            this.p = p;
            this.policy = policy;
        }

        void go() {
            save("in_progress", null);
            while (!p.done()) {
                if (stoppedByOperator()) return;
                if (p.nextBatch() > 0 && policy.delayBetweenBatches() > 0 && !"batch".equals(p.phase()) && !waitDelay()) return;
                p.phase("batch");
                List<String> batch = p.batches().get(p.nextBatch());
                batch.stream().filter(n -> !Target.READY.equals(p.target(n).state())).forEach(n -> p.set(n, Target.PENDING, null));
                if (!runBatch(batch)) {
                    failed();
                    return;
                }
                p.batchDone();
                p.phase(p.done() ? "cutover" : "delay");
                save("in_progress", null);
            }
            removeDeleted();
            p.phase("done");
            save(p.finalStatus(), null);
            if (!"failed".equals(p.finalStatus())) crons.refresh(appName);
        }

        /** Dependency waves: start those whose service dependencies are ready, wait for them, repeat. */
        boolean runBatch(List<String> batch) {
            List<String> left = new ArrayList<>(batch);
            left.removeIf(n -> Target.READY.equals(p.target(n).state()));
            while (!left.isEmpty()) {
                List<String> wave = left.stream().filter(this::dependenciesReady).toList();
                if (wave.isEmpty()) wave = List.of(left.get(0));   // a dependency outside this release's targets
                for (String name : wave) start(name);
                save("in_progress", null);
                awaitReady(wave);
                save("in_progress", null);
                if (wave.stream().anyMatch(n -> Target.FAILED.equals(p.target(n).state()))) return false;
                left.removeAll(wave);
            }
            return true;
        }

        boolean dependenciesReady(String name) {
            return service(name).dependsOn().stream().filter(d -> m.services().stream().anyMatch(s -> s.name().equals(d)))
                    .allMatch(d -> Target.READY.equals(p.target(d).state()));
        }

        void start(String name) {
            ContainerRecord existing = app.of(appName, "service").get(name);
            if (existing != null && release.getId().equals(existing.getReleaseId()) && "running".equals(existing.getStatus())) {
                containerOf.put(name, existing.getId());   // started before the server went down: not again
                p.set(name, Target.STARTING, null);
                return;
            }
            p.replaced(name, existing == null ? null : existing.getReleaseId());
            p.set(name, Target.STARTING, null);
            save("in_progress", null);
            if (existing != null) app.remove(existing.getId());
            AppContainers.Started s = app.startService(appName, volumes, service(name), release.getId(), hashes.get("service:" + name));
            if (s.ok()) containerOf.put(name, s.containerId());
            else fail(name, s.reason(), s.message());
        }

        void awaitReady(List<String> wave) {
            long deadline = policy.healthCheckTimeout() > 0 ? System.currentTimeMillis() + policy.healthCheckTimeout() * 1000 : Long.MAX_VALUE;
            while (true) {
                boolean waiting = false;
                for (String name : wave) {
                    if (!Target.STARTING.equals(p.target(name).state())) continue;
                    String verdict = readiness(name, System.currentTimeMillis() > deadline);
                    if (verdict == null) waiting = true;
                    else if (verdict.isEmpty()) p.set(name, Target.READY, null);
                    else fail(name, verdict, null);
                }
                if (!waiting) return;
                sleep(POLL_MS);
            }
        }

        /** "" ready, null not yet, else the failure reason. */
        String readiness(String name, boolean timedOut) {
            String id = containerOf.get(name);
            ContainerView v = app.view(id);
            if (!v.running()) return "process_failed";
            if (service(name).healthCheck() == null) return "";
            String h = health.status(id);
            if ("healthy".equals(h)) return "";
            if ("unhealthy".equals(h)) return "readiness_failed";
            return timedOut ? "readiness_timeout" : null;
        }

        void fail(String name, String reason, String message) {
            p.set(name, Target.FAILED, reason);
            if (firstFailure == null) firstFailure = "service " + name + ": " + reason + (message == null ? "" : " (" + message + ")");
        }

        /** A batch failed: roll back what this release cut over, or stop with the rest blocked (pause). */
        void failed() {
            if ("rollback".equals(policy.failureAction())) {
                revert();
                p.phase("rolled_back");
                save("rolled_back", "rolled back: " + firstFailure);
            } else {
                p.endRemaining(Target.BLOCKED, null);
                p.phase("paused");
                save("partially_failed", "rollout paused: " + firstFailure);
                bus.submit(new Command.SetRolloutControl(release.getId(), "paused"));
            }
        }

        /** Every service this release replaced gets its earlier release's config back; new ones are removed. */
        void revert() {
            List<Target> targets = new ArrayList<>(p.targets());
            java.util.Collections.reverse(targets);
            Map<String, String> from = p.replacedFrom();
            for (Target t : targets) {
                if (!from.containsKey(t.name())) continue;
                ContainerRecord now = app.of(appName, "service").get(t.name());
                if (now != null) app.remove(now.getId());
                String previous = from.get(t.name());
                if (previous != null) restore(t.name(), previous);
                if (Target.READY.equals(t.state()) || Target.STARTING.equals(t.state())) p.set(t.name(), Target.ROLLED_BACK, "rollback_reverted");
            }
            p.endRemaining(Target.ROLLED_BACK, "rollback_reverted");
        }

        void restore(String name, String previousRelease) {
            ReleaseRecord old = em.find(ReleaseRecord.class, previousRelease, FreshReads.FIND);
            if (old == null) return;
            Manifest before = SnapshotReader.read(old.getConfigSnapshot());
            before.services().stream().filter(s -> s.name().equals(name)).findFirst().ifPresent(s -> {
                AppContainers.Started st = app.startService(appName, volumes, s, previousRelease,
                        WorkloadHashes.of(old.getConfigSnapshot()).get("service:" + name));
                if (!st.ok()) LOG.warning("rollback of " + appName + "/" + name + " could not start the earlier config: " + st.message());
            });
        }

        void removeDeleted() {
            app.of(appName, "service").forEach((name, c) -> {
                if (m.services().stream().noneMatch(s -> s.name().equals(name))) app.remove(c.getId());
            });
        }

        boolean stoppedByOperator() {
            String control = release(release.getId()).getControlState();
            if ("paused".equals(control)) {
                p.phase("paused");
                save("in_progress", "rollout paused by operator");
                return true;
            }
            if ("cancel_requested".equals(control)) {
                p.endRemaining(Target.FAILED, "canceled_by_operator");
                p.phase("canceled");
                save(p.finalStatus(), "rollout canceled by operator");
                return true;
            }
            return false;
        }

        boolean waitDelay() {
            long until = System.currentTimeMillis() + policy.delayBetweenBatches() * 1000;
            while (System.currentTimeMillis() < until) {
                if (stoppedByOperator()) return false;
                sleep(Math.min(200, Math.max(1, until - System.currentTimeMillis())));
            }
            return true;
        }

        Manifest.Service service(String name) {
            return m.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        }

        void save(String status, String message) {
            String control = release(release.getId()).getControlState();
            try {
                bus.submit(new Command.RecordRolloutProgress(release.getId(), status, message, p.completed(), p.failed(),
                        ProgressJson.failures(p), ProgressJson.targets(p), ProgressJson.checkpoint(p, m.services().size(), control)));
            } catch (CommandRejectedException e) {
                throw new Superseded();
            }
        }
    }

    private Map<String, AppPlanner.Running> runningNow(String appName) {
        Map<String, AppPlanner.Running> out = new HashMap<>();
        app.of(appName, "service").forEach((name, c) -> out.put(name, new AppPlanner.Running(c.getConfigHash(), "running".equals(c.getStatus()))));
        return out;
    }

    private ReleaseRecord release(String id) {
        ReleaseRecord r = em.find(ReleaseRecord.class, id, FreshReads.FIND);
        if (r == null) throw new AppException(AppException.Kind.NOT_FOUND, "release " + id + " not found");
        return r;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Superseded();
        }
    }

    /** The release was superseded (or the thread told to stop): this rollout writes nothing more. */
    static final class Superseded extends RuntimeException {
        Superseded() {
            super(null, null, false, false);
        }
    }
}
