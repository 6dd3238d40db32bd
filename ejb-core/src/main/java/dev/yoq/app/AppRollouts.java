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

    /** How long an operator's apply or down waits for a background reconcile of the same app to give way. */
    static final long RECONCILE_YIELD_MS = 15_000;

    long yieldMs = RECONCILE_YIELD_MS;
    private final Set<String> executing = ConcurrentHashMap.newKeySet();
    /** Apps held by a background reconcile (which gives way to an operator), and those it was asked to give up. */
    private final Set<String> reconciling = ConcurrentHashMap.newKeySet();
    private final Set<String> yieldAsked = ConcurrentHashMap.newKeySet();

    @PostConstruct
    void start() {
        timers.createIntervalTimer(1_000, 1_000, new TimerConfig("rollout-recovery", false));
    }

    /** Claims the app for one rollout; false when one is running. */
    public synchronized boolean begin(String app) {
        return executing.add(app);
    }

    /** Claims the app for a background reconcile, which stops when {@link #yieldAsked} says so. */
    public synchronized boolean beginReconcile(String app) {
        if (!executing.add(app)) return false;
        reconciling.add(app);
        return true;
    }

    public synchronized void end(String app) {
        executing.remove(app);
        reconciling.remove(app);
        yieldAsked.remove(app);
    }

    public boolean running(String app) {
        return executing.contains(app);
    }

    /** Whether an operator asked the reconcile holding this app to stop. */
    public boolean yieldAsked(String app) {
        return yieldAsked.contains(app);
    }

    /**
     * Claims the app for an operator's apply or down. A reconcile holding it (a replica replaced in the background)
     * is asked to stop and given {@link #RECONCILE_YIELD_MS}; a rollout holding it is not: false at once.
     */
    public boolean claim(String app) {
        long deadline = System.currentTimeMillis() + yieldMs;
        while (true) {
            synchronized (this) {
                if (executing.add(app)) return true;
                if (!reconciling.contains(app)) return false;
                yieldAsked.add(app);
            }
            if (System.currentTimeMillis() > deadline) return false;
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
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
        // in a cluster, releases run on agents and the leader's ClusterWork follows them
        if (!startup.report().ready() || cluster.clustered()) return;
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
