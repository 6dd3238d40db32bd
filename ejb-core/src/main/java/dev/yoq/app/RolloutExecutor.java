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
    /** How long a reconcile waits for a replica it started to be ready (a rollout waits as its policy says). */
    static final long RECONCILE_READY_MS = 300_000;

    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @EJB
    AppContainers app;
    @EJB
    HealthMonitor health;
    @EJB
    CronScheduler crons;
    @EJB
    dev.yoq.service.ServiceDataplane dataplane;
    @EJB
    dev.yoq.server.ServerStartup startup;
    @Inject
    CommandBus bus;

    /** The rollout ended or stopped (paused, superseded, the node unreachable); the release row tells which. */
    public void execute(String releaseId) {
        ReleaseRecord r = release(releaseId);
        Manifest m = SnapshotReader.read(r.getConfigSnapshot());
        Map<String, String> hashes = WorkloadHashes.ofReplicas(r.getConfigSnapshot());
        RolloutProgress p = r.getRolloutCheckpointJson() == null ? AppPlanner.start(m, hashes, runningNow(r.getAppName(), m))
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

    /**
     * Brings one service back to its replica count under the config its replicas run (a replica removed by hand,
     * one that crashed with no restart policy): missing replicas start, broken ones are replaced, rolling. The
     * caller holds the app (no rollout runs beside it). Returns null when done, else why not.
     */
    public String reconcile(String appName, String service, java.util.function.BooleanSupplier giveWay) {
        ReleaseRecord r = FreshReads.fresh(em.createQuery("SELECT r FROM ReleaseRecord r WHERE r.appName = :a AND r.status = 'completed' "
                + "ORDER BY r.createdAt DESC, r.seq DESC", ReleaseRecord.class).setParameter("a", appName)).setMaxResults(1)
                .getResultList().stream().findFirst().orElse(null);
        dev.yoq.model.ServiceRecord record = em.find(dev.yoq.model.ServiceRecord.class, Command.serviceName(appName, service), FreshReads.FIND);
        if (r == null || record == null) return "app " + appName + " has no completed release running service " + service;
        Manifest m = SnapshotReader.read(r.getConfigSnapshot());
        Manifest.Service s = m.services().stream().filter(x -> x.name().equals(service)).findFirst().orElse(null);
        if (s == null) return "release " + r.getId() + " has no service " + service;
        Map<String, String> hashes = WorkloadHashes.ofReplicas(r.getConfigSnapshot());
        Run run = new Run(r, m, hashes, AppPlanner.start(m, hashes, Map.of()), s.rollout());
        run.volumes = app.volumes(appName, m);
        run.reconciling = true;
        run.giveWay = giveWay;
        try {
            String failure = run.converge(s, hashes.get("service:" + service), r.getId(), "rolling", record.getDesiredReplicas());
            dataplane.syncNow();
            return failure;
        } catch (Superseded e) {
            return "stopped: an operator's apply or down took the app";
        }
    }

    /** Last resort when a rollout cannot even record its failure: the release ends failed, its targets as they were. */
    public void abandon(String releaseId, String why) {
        ReleaseRecord r = release(releaseId);
        if (!List.of("pending", "in_progress").contains(r.getStatus())) return;
        // a leader's decision on a cluster: a deposed leader's "failed" must not land on its successor's rollout
        bus.submitAsLeader(new Command.RecordRolloutProgress(releaseId, "failed", "rollout failed: " + why, r.getCompletedTargets(),
                r.getFailedTargets(), r.getFailureDetailsJson(), r.getRolloutTargetsJson(), r.getRolloutCheckpointJson()));
    }

    private final class Run {
        final ReleaseRecord release;
        final String appName;
        final Manifest m;
        final Map<String, String> hashes;
        final RolloutProgress p;
        final Manifest.Rollout policy;
        /** A reconcile, not a rollout: no release to follow for pause or supersede, and a bounded wait. */
        boolean reconciling;
        /** For a reconcile: true once an operator's apply or down wants the app. */
        java.util.function.BooleanSupplier giveWay = () -> false;
        /** Old replicas left draining by a blue/green switch, and since when: removed at the release's end. */
        final Map<String, Long> drainingSince = new HashMap<>();
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
            for (Manifest.Service s : m.services()) app.ensureService(appName, s);
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
            removeLeftovers();
            p.phase("done");
            save(p.finalStatus(), null);
            if (!"failed".equals(p.finalStatus())) crons.refresh(appName);
        }

        /** Dependency waves: services whose service dependencies are ready converge, one after another; repeat. */
        boolean runBatch(List<String> batch) {
            List<String> left = new ArrayList<>(batch);
            left.removeIf(n -> Target.READY.equals(p.target(n).state()));
            while (!left.isEmpty()) {
                List<String> wave = left.stream().filter(this::dependenciesReady).toList();
                if (wave.isEmpty()) wave = List.of(left.get(0));   // a dependency outside this release's targets
                for (String name : wave) {
                    start(name);
                    if (Target.FAILED.equals(p.target(name).state())) return false;
                }
                left.removeAll(wave);
            }
            return true;
        }

        boolean dependenciesReady(String name) {
            return service(name).dependsOn().stream().filter(d -> m.services().stream().anyMatch(s -> s.name().equals(d)))
                    .allMatch(d -> Target.READY.equals(p.target(d).state()));
        }

        /** Brings the service's replicas to this release's config and count (ReplicaPlan), recording what it replaced. */
        void start(String name) {
            String hash = hashes.get("service:" + name);
            List<ReplicaPlan.Replica> now = app.replicaStates(appName, name);
            if (now.isEmpty()) p.replaced(name, null);
            now.stream().filter(r -> !hash.equals(r.configHash())).findFirst()
                    .ifPresent(old -> p.replaced(name, releaseOf(old.containerId())));
            p.set(name, Target.STARTING, null);
            save("in_progress", null);
            String failure = converge(service(name), hash, release.getId(), service(name).rollout().strategy(), service(name).replicas());
            if (failure == null) p.set(name, Target.READY, null);
            else fail(name, failure.substring(0, failure.indexOf(' ')), failure.substring(failure.indexOf(' ') + 1));
            save("in_progress", null);
        }

        /**
         * Steps the planner until the service runs {@code hash} at its replica count. Returns null when done, else
         * "reason message". A new replica not ready within the policy's health-check timeout fails it.
         */
        String converge(Manifest.Service s, String hash, String releaseId, String strategy, int desired) {
            try {
                return steps(s, hash, releaseId, strategy, desired);
            } catch (Superseded e) {
                throw e;
            } catch (RuntimeException e) {   // a step that could not be done: the service fails, the batch decides what follows
                LOG.warning("rollout of " + appName + "/" + s.name() + ": " + e);
                return "start_failed " + e.getMessage();
            }
        }

        private String steps(Manifest.Service s, String hash, String releaseId, String strategy, int desired) {
            long timeoutMs = policy.healthCheckTimeout() > 0 ? policy.healthCheckTimeout() * 1000 : reconciling ? RECONCILE_READY_MS : Long.MAX_VALUE;
            Map<String, Long> startedAt = new HashMap<>();
            boolean held = false;
            while (true) {
                if (giveWay.getAsBoolean()) throw new Superseded();
                List<ReplicaPlan.Replica> now = app.replicaStates(appName, s.name());
                ReplicaPlan.Step step = ReplicaPlan.next(now, desired, hash, strategy, (int) Math.min(64, s.rollout().parallelism()), held,
                        startedAt.keySet());
                if (step instanceof ReplicaPlan.Done done) {
                    long at = System.currentTimeMillis();
                    done.kept().forEach(id -> drainingSince.putIfAbsent(id, at));
                    dataplane.syncNow();
                    return null;
                } else if (step instanceof ReplicaPlan.Failed f) {
                    return f.reason() + " replica " + f.containerId();
                } else if (step instanceof ReplicaPlan.Start st) {
                    for (int index : st.indexes()) {
                        AppContainers.Started started = app.startReplica(appName, volumes, s, index, releaseId, hash, st.standby());
                        if (!started.ok()) return started.reason() + " " + started.message();
                        startedAt.put(started.containerId(), System.currentTimeMillis());
                    }
                } else if (step instanceof ReplicaPlan.Wait) {
                    long now0 = System.currentTimeMillis();
                    for (ReplicaPlan.Replica r : now) {
                        if (!hash.equals(r.configHash()) || r.ready()) continue;
                        // one started before a server restart is this rollout's too: its clock starts now
                        long since = startedAt.computeIfAbsent(r.containerId(), k -> now0);
                        if (now0 - since > timeoutMs) {
                            return "readiness_timeout replica " + r.containerId();
                        }
                    }
                    followOperator();
                    sleep(POLL_MS);
                } else if (step instanceof ReplicaPlan.Retire rt) {
                    retire(s.name(), rt.containerIds());
                } else if (step instanceof ReplicaPlan.Switch sw) {
                    synced();
                    Map<String, String> states = new HashMap<>();
                    sw.activate().forEach(id -> states.put(id, dev.yoq.model.ServiceEndpointRecord.ACTIVE));
                    sw.drain().forEach(id -> states.put(id, dev.yoq.model.ServiceEndpointRecord.DRAINING));
                    app.setEndpointStates(appName, s.name(), states);   // one transaction: one update of the VIP
                    synced();
                    long at = System.currentTimeMillis();
                    sw.drain().forEach(id -> drainingSince.put(id, at));
                } else if (step instanceof ReplicaPlan.Hold) {
                    sleep(canaryWindowMs(s));
                    held = true;
                }
            }
        }

        /** A waiting rollout still follows the operator (pause, cancel) and stops when superseded. */
        void followOperator() {
            if (reconciling) {
                if (giveWay.getAsBoolean()) throw new Superseded();
                return;
            }
            ReleaseRecord now = release(release.getId());
            if (!List.of("pending", "in_progress").contains(now.getStatus())) throw new Superseded();
            if (stoppedByOperator()) throw new Superseded();
        }

        /** The helper has the current table (the ready new replicas in the VIP), or the step cannot go on. */
        void synced() {
            for (int i = 0; i < 60; i++) {
                if (dataplane.syncNow()) return;
                sleep(500);
            }
            throw new IllegalStateException("the node helper did not take the VIP table for 30 s");
        }

        /**
         * Takes replicas out of the VIP (after making sure the ready new ones are in it), lets their flows drain,
         * then stops and removes them.
         */
        void retire(String service, List<String> ids) {
            synced();
            Map<String, String> states = new HashMap<>();
            ids.forEach(id -> states.put(id, dev.yoq.model.ServiceEndpointRecord.DRAINING));
            try {
                app.setEndpointStates(appName, service, states);
            } catch (CommandRejectedException e) {
                LOG.fine("retire: " + e.getMessage());   // a container from before services has no endpoint
            }
            synced();
            long oldest = ids.stream().mapToLong(id -> drainingSince.getOrDefault(id, System.currentTimeMillis())).min().orElse(0);
            long wait = oldest + startup.settings().services().drainMs() - System.currentTimeMillis();
            if (wait > 0) sleep(wait);
            for (String id : ids) {
                app.remove(id);
                drainingSince.remove(id);
            }
        }

        /** The canary's health window: long enough for its check to call it unhealthy, or the batch delay if longer. */
        long canaryWindowMs(Manifest.Service s) {
            long window = policy.delayBetweenBatches() * 1000;
            if (s.healthCheck() != null) window = Math.max(window, s.healthCheck().interval() * 1000 * Math.max(1, s.healthCheck().retries()));
            return Math.max(1000, window);
        }

        String releaseOf(String containerId) {
            ContainerRecord c = em.find(ContainerRecord.class, containerId, FreshReads.FIND);
            return c == null ? null : c.getReleaseId();
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

        /**
         * Every service this release replaced gets its earlier release's config back: its kept replicas are switched
         * back into the VIP in one update, missing ones started, this release's retired; a service that was new is
         * removed with its VIP.
         */
        void revert() {
            List<Target> targets = new ArrayList<>(p.targets());
            java.util.Collections.reverse(targets);
            Map<String, String> from = p.replacedFrom();
            for (Target t : targets) {
                if (!from.containsKey(t.name())) continue;
                String previous = from.get(t.name());
                if (previous == null || !restore(t.name(), previous)) {
                    app.replicas(appName).getOrDefault(t.name(), List.of()).forEach(c -> app.remove(c.getId()));
                    if (previous == null) app.removeService(appName, t.name());
                }
                if (Target.READY.equals(t.state()) || Target.STARTING.equals(t.state())) p.set(t.name(), Target.ROLLED_BACK, "rollback_reverted");
            }
            p.endRemaining(Target.ROLLED_BACK, "rollback_reverted");
            dataplane.syncNow();
        }

        boolean restore(String name, String previousRelease) {
            ReleaseRecord old = em.find(ReleaseRecord.class, previousRelease, FreshReads.FIND);
            if (old == null) return false;
            Manifest before = SnapshotReader.read(old.getConfigSnapshot());
            Manifest.Service s = before.services().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
            if (s == null) return false;
            String oldHash = WorkloadHashes.ofReplicas(old.getConfigSnapshot()).get("service:" + name);
            Map<String, String> states = new HashMap<>();
            for (ReplicaPlan.Replica r : app.replicaStates(appName, name)) {
                if (!"none".equals(r.admin())) {
                    states.put(r.containerId(), oldHash.equals(r.configHash()) ? dev.yoq.model.ServiceEndpointRecord.ACTIVE
                            : dev.yoq.model.ServiceEndpointRecord.DRAINING);
                }
            }
            app.ensureService(appName, s);
            app.setEndpointStates(appName, name, states);   // the switch back, in one update
            dataplane.syncNow();
            String failure = converge(s, oldHash, previousRelease, "rolling", s.replicas());
            if (failure != null) LOG.warning("rollback of " + appName + "/" + name + " could not bring back the earlier config: " + failure);
            return true;
        }

        /** Services gone from the manifest: their replicas retire, their VIP and ports are released. */
        void removeDeleted() {
            app.replicas(appName).forEach((name, cs) -> {
                if (m.services().stream().noneMatch(s -> s.name().equals(name))) {
                    retire(name, cs.stream().map(ContainerRecord::getId).toList());
                    app.removeService(appName, name);
                }
            });
        }

        /** Old replicas a blue/green switch kept for a rollback go when the release completes. */
        void removeLeftovers() {
            for (Manifest.Service s : m.services()) {
                String hash = hashes.get("service:" + s.name());
                List<String> old = app.replicaStates(appName, s.name()).stream().filter(r -> !hash.equals(r.configHash()))
                        .map(ReplicaPlan.Replica::containerId).toList();
                if (!old.isEmpty()) retire(s.name(), old);
            }
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

    /**
     * Per service: the config hash its replicas share when all of them run it, active in the VIP, at the desired
     * count (anything else, e.g. an interrupted blue/green switch or a replica count change, is a change).
     */
    private Map<String, AppPlanner.Running> runningNow(String appName, Manifest m) {
        Map<String, AppPlanner.Running> out = new HashMap<>();
        for (Manifest.Service s : m.services()) {
            List<ReplicaPlan.Replica> rs = app.replicaStates(appName, s.name());
            if (rs.isEmpty()) continue;
            java.util.Set<String> hashesNow = new java.util.HashSet<>();
            rs.forEach(r -> hashesNow.add(String.valueOf(r.configHash())));
            boolean steady = rs.size() == s.replicas() && hashesNow.size() == 1 && rs.stream().allMatch(r -> "active".equals(r.admin()));
            out.put(s.name(), new AppPlanner.Running(steady ? rs.get(0).configHash() : null, rs.stream().allMatch(ReplicaPlan.Replica::running)));
        }
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
