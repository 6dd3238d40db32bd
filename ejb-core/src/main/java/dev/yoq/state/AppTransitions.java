package dev.yoq.state;

import dev.yoq.model.AppDownRecord;
import dev.yoq.model.AuditEntry;
import dev.yoq.model.ReleaseRecord;
import dev.yoq.model.VolumeRecord;
import dev.yoq.model.WorkloadRunRecord;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Set;

/** The state machine's app commands: releases, their rollout progress, workload runs and volumes. */
final class AppTransitions {
    static final Set<String> OPEN = Set.of("pending", "in_progress", "partially_failed");
    private AppTransitions() {}

    static Object apply(Command<?> command, EntityManager em) {
        if (command instanceof Command.CreateRelease c) return create(c, em);
        if (command instanceof Command.RecordRolloutProgress c) return progress(c, em);
        if (command instanceof Command.SetRolloutControl c) {
            ReleaseRecord r = release(c.releaseId(), em);
            r.setControlState(c.controlState());
            // a rollout that paused on a failure goes on (resume) or ends (cancel) through the executor again
            if (!"paused".equals(c.controlState()) && "partially_failed".equals(r.getStatus())) r.reopen();
            return null;
        }
        if (command instanceof Command.CompactReleases c) return compact(c, em);
        if (command instanceof Command.RecordWorkloadRun c) {
            em.persist(new WorkloadRunRecord(c.id(), c.app(), c.kind(), c.name(), c.releaseId(), c.containerId(),
                    c.outcome(), c.message(), c.at()));
            return c.id();
        }
        if (command instanceof Command.FinishWorkloadRun c) {
            WorkloadRunRecord run = em.find(WorkloadRunRecord.class, c.id());
            if (run == null) throw new CommandRejectedException("unknown workload run " + c.id());
            run.finish(c.outcome(), c.exitCode(), c.message(), c.at());
            return null;
        }
        if (command instanceof Command.SetWorkloadRunContainer c) {
            WorkloadRunRecord run = em.find(WorkloadRunRecord.class, c.id());
            if (run == null) throw new CommandRejectedException("unknown workload run " + c.id());
            run.setContainerId(c.containerId());
            return null;
        }
        if (command instanceof Command.EnsureVolume c) return volume(c, em);
        if (command instanceof Command.MarkAppDown c) {
            if (em.find(AppDownRecord.class, c.app()) == null) em.persist(new AppDownRecord(c.app(), c.at()));
            return null;
        }
        throw new IllegalArgumentException(command.getClass().getName());
    }

    private static String create(Command.CreateRelease c, EntityManager em) {
        if (em.find(ReleaseRecord.class, c.id()) != null) throw new CommandRejectedException("release id " + c.id() + " is taken");
        List<ReleaseRecord> open = em.createQuery("SELECT r FROM ReleaseRecord r WHERE r.appName = :a AND r.status IN :s",
                ReleaseRecord.class).setParameter("a", c.app()).setParameter("s", OPEN).getResultList();
        for (ReleaseRecord r : open) {
            // a partially failed release that finished its targets is history, not an open rollout
            if (!"partially_failed".equals(r.getStatus()) || r.getControlState().equals("paused")) r.supersede(c.id());
        }
        AppDownRecord down = em.find(AppDownRecord.class, c.app());
        if (down != null) em.remove(down);
        Long seq = em.createQuery("SELECT MAX(r.seq) FROM ReleaseRecord r", Long.class).getSingleResult();
        em.persist(new ReleaseRecord(c.id(), c.app(), c.trigger(), c.sourceReleaseId(), c.manifestHash(), c.snapshotJson(),
                c.at(), seq == null ? 1 : seq + 1));
        em.persist(new AuditEntry(c.at(), c.actor(), "rollback".equals(c.trigger()) ? "app_rollback" : "app_apply", c.app(), "ok"));
        return c.id();
    }

    private static Void progress(Command.RecordRolloutProgress c, EntityManager em) {
        ReleaseRecord r = release(c.releaseId(), em);
        if ("superseded".equals(r.getStatus())) {
            throw new CommandRejectedException("release " + c.releaseId() + " was superseded by " + r.getSupersededByReleaseId());
        }
        r.progress(c.status(), c.message(), c.completed(), c.failed(), c.failureDetailsJson(), c.targetsJson(), c.checkpointJson());
        return null;
    }

    /** Deletes all but the newest {@code keep} releases, sparing the newest completed one (rollback's default). */
    private static Integer compact(Command.CompactReleases c, EntityManager em) {
        List<ReleaseRecord> all = em.createQuery("SELECT r FROM ReleaseRecord r WHERE r.appName = :a ORDER BY r.createdAt DESC, r.seq DESC",
                ReleaseRecord.class).setParameter("a", c.app()).getResultList();
        String lastGood = all.stream().filter(r -> "completed".equals(r.getStatus())).map(ReleaseRecord::getId).findFirst().orElse(null);
        int removed = 0;
        for (int i = Math.max(1, c.keep()); i < all.size(); i++) {
            ReleaseRecord r = all.get(i);
            if (r.getId().equals(lastGood) || OPEN.contains(r.getStatus())) continue;
            em.remove(r);
            removed++;
        }
        return removed;
    }

    private static Void volume(Command.EnsureVolume c, EntityManager em) {
        VolumeRecord v = em.find(VolumeRecord.class, new VolumeRecord.Key(c.name(), c.app()));
        if (v == null) em.persist(new VolumeRecord(c.name(), c.app(), c.driver(), c.path(), c.at()));
        else v.redefine(c.driver(), c.path());
        return null;
    }

    private static ReleaseRecord release(String id, EntityManager em) {
        ReleaseRecord r = em.find(ReleaseRecord.class, id);
        if (r == null) throw new CommandRejectedException("unknown release " + id);
        return r;
    }
}
