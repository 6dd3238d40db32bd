package dev.yoq.app;

import dev.yoq.model.ReleaseRecord;
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
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Which app has a rollout running in this process (one per app: a second apply gets 409), and the recovery
 * loop of spec §4.4: every second, a release that is pending or in progress and not paused, but that no rollout
 * here is carrying out (the server was killed mid-rollout, or an operator resumed or canceled it), is taken up
 * again on the managed executor, oldest first, same release id, from its checkpoint.
 */
@Singleton
@Startup
@jakarta.ejb.DependsOn("ServerStartup")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class AppRollouts {
    private static final Logger LOG = Logger.getLogger(AppRollouts.class.getName());

    @jakarta.inject.Inject
    dev.yoq.cluster.ClusterInfo cluster;

    @Resource
    TimerService timers;
    @EJB
    dev.yoq.server.ServerStartup startup;
    @Resource
    ManagedExecutorService executor;
    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @EJB
    RolloutExecutor rollouts;

    private final Set<String> executing = ConcurrentHashMap.newKeySet();

    @PostConstruct
    void start() {
        timers.createIntervalTimer(1_000, 1_000, new TimerConfig("rollout-recovery", false));
    }

    /** Claims the app for one rollout; false when one is running. */
    public boolean begin(String app) {
        return executing.add(app);
    }

    public void end(String app) {
        executing.remove(app);
    }

    public boolean running(String app) {
        return executing.contains(app);
    }

    /** A rollout that threw (a bug, not a failed target) is not retried forever: its release ends failed. */
    public void abandon(String releaseId, RuntimeException e) {
        try {
            rollouts.abandon(releaseId, String.valueOf(e.getCause() != null ? e.getCause() : e));
        } catch (RuntimeException again) {
            LOG.warning("cannot mark release " + releaseId + " failed: " + again);
        }
    }

    @Timeout
    void recover() {
        if (!startup.report().ready() || !cluster.leads()) return;   // rollouts are the leader's work in a cluster
        for (ReleaseRecord r : FreshReads.fresh(em.createQuery("SELECT r FROM ReleaseRecord r WHERE r.status IN ('pending', 'in_progress') "
                + "AND r.controlState <> 'paused' ORDER BY r.createdAt, r.seq", ReleaseRecord.class)).getResultList()) {
            if (!begin(r.getAppName())) continue;
            LOG.info("rollout of release " + r.getId() + " (app " + r.getAppName() + ") taken up from its checkpoint");
            try {
                executor.execute(() -> {
                    try {
                        rollouts.execute(r.getId());
                    } catch (RuntimeException e) {
                        LOG.warning("rollout of release " + r.getId() + " stopped: " + e);
                        abandon(r.getId(), e);
                    } finally {
                        end(r.getAppName());
                    }
                });
            } catch (RuntimeException e) {
                end(r.getAppName());
            }
        }
    }
}
