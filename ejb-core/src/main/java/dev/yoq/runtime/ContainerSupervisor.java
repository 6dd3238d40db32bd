package dev.yoq.runtime;

import dev.yoq.model.ContainerRecord;
import dev.yoq.node.NodeClient;
import dev.yoq.node.NodeConnector;
import dev.yoq.node.protocol.ContainerState;
import dev.yoq.node.protocol.HelperException;
import dev.yoq.node.protocol.Wire;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.FreshReads;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
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
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Logger;

/**
 * Keeps the database in step with the helper and applies restart policies. A 200 ms timer (spec §6.2's poll)
 * keeps one event subscription open (re-opening it and reconciling every container after the helper or the
 * server restarted), records the exits the helper reports, and starts containers whose backoff has passed.
 * Events arrive on the subscription's own thread and only queue there: all work happens on the timer.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ContainerSupervisor {
    private static final Logger LOG = Logger.getLogger(ContainerSupervisor.class.getName());

    @Resource
    TimerService timers;

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    @Inject
    dev.yoq.security.SecretDelivery secretDelivery;

    @Inject
    CommandBus bus;

    @Inject
    NodeConnector node;

    @jakarta.ejb.EJB
    dev.yoq.network.PolicyService policies;

    private final Queue<Wire.Event> events = new ConcurrentLinkedQueue<>();
    private final Map<String, Long> restartDue = new ConcurrentHashMap<>();
    private final Map<String, Integer> streaks = new ConcurrentHashMap<>();
    private volatile NodeClient subscription;
    private volatile boolean warnedUnavailable;

    @PostConstruct
    void start() {
        timers.createIntervalTimer(200, 200, new TimerConfig("container-supervisor", false));
    }

    @PreDestroy
    void stop() {
        closeSubscription();
    }

    @Timeout
    void tick() {
        try {
            ensureSubscribed();
            for (Wire.Event e; (e = events.poll()) != null; ) {
                if ("exited".equals(e.event())) onExit(e.container());
            }
            runDueRestarts();
        } catch (RuntimeException e) {
            LOG.warning("container supervisor: " + e);
        }
    }

    /** Records an ended run from the helper's state; the status (stopped/exited/failed) is the state machine's. */
    static String recordEnd(CommandBus bus, ContainerState s) {
        if (!ContainerState.EXITED.equals(s.status())) return null;
        String reason = s.exitCode() != null && s.exitCode() == 255 && s.signal() == null ? "yoq-init was lost" : null;
        long at = s.finishedAtMs() != null ? s.finishedAtMs() : System.currentTimeMillis();
        return bus.submit(new Command.RecordContainerEnded(s.id(), s.exitCode(), s.signal(), s.oomKilled(), reason, s.startedAtMs(), at));
    }

    private void onExit(ContainerState s) {
        ContainerRecord r = em.find(ContainerRecord.class, s.id(), FreshReads.FIND);
        if (r == null) return;   // not ours (or removed meanwhile)
        boolean alreadyRecorded = !"running".equals(r.getStatus()) && s.finishedAtMs() != null
                && s.finishedAtMs().equals(r.getFinishedAt());   // by a stop or a wait that saw it first
        if (!alreadyRecorded) recordEnd(bus, s);
        RestartPolicy policy = RestartPolicy.parse(r.getRestartPolicy());
        if (!policy.restarts("stopped".equals(r.getDesiredState()), s.exitCode(), s.oomKilled())) return;
        long ran = s.startedAtMs() == null || s.finishedAtMs() == null ? 0 : s.finishedAtMs() - s.startedAtMs();
        int streak = RestartBackoff.nextStreak(streaks.getOrDefault(s.id(), -1), Duration.ofMillis(ran));
        streaks.put(s.id(), streak);
        Duration delay = RestartBackoff.delay(streak);
        restartDue.put(s.id(), System.currentTimeMillis() + delay.toMillis());
        LOG.info(() -> "container " + s.id() + " ended (exit " + s.exitCode() + "); restart policy " + policy.cliName()
                + ": restarting in " + delay.toMillis() + " ms");
    }

    private void runDueRestarts() {
        long now = System.currentTimeMillis();
        for (Map.Entry<String, Long> due : restartDue.entrySet()) {
            if (due.getValue() > now) continue;
            String id = due.getKey();
            restartDue.remove(id);
            ContainerRecord r = em.find(ContainerRecord.class, id, FreshReads.FIND);
            if (r == null || "stopped".equals(r.getDesiredState()) || "running".equals(r.getStatus())) continue;
            try (NodeClient client = node.open()) {
                secretDelivery.beforeStart(client, id);   // its files as they are now (a host restart empties their tmpfs)
                ContainerState state = client.start(id);
                bus.submit(new Command.RecordContainerStarted(id, state.pid(), true, state.startedAtMs()));
            } catch (IOException | RuntimeException e) {   // the helper's, a secret's, or a certificate that could not be made
                LOG.warning("restart of container " + id + " failed: " + e.getMessage());
                bus.submit(new Command.RecordContainerEnded(id, null, null, false, "restart failed: " + e.getMessage(), null, now));
                int streak = streaks.merge(id, 1, Integer::sum);
                restartDue.put(id, now + RestartBackoff.delay(streak).toMillis());
            }
        }
    }

    private void ensureSubscribed() {
        if (subscription != null) return;
        try {
            NodeClient client = NodeClient.connect(node.socket());   // its own connection, never pooled
            client.subscribe(events::add, () -> {
                node.forgetConnections();
                closeSubscription();
            });
            subscription = client;
            warnedUnavailable = false;
            LOG.info("subscribed to the node helper's events (" + client.helperVersion() + ", cgroups " + client.cgroupLayout() + ")");
            reconcile();
            policies.push();   // a new or restarted helper gets the rules (it also keeps its own copy)
        } catch (IOException e) {
            if (!warnedUnavailable) LOG.warning(e.getMessage() + "; containers cannot run until it is started (yoq server start starts it)");
            warnedUnavailable = true;
        }
    }

    /** After a (re)connect: whatever ended while nobody listened is recorded now; nothing is left "running" by mistake. */
    private void reconcile() throws IOException {
        List<ContainerRecord> running = FreshReads.fresh(em.createQuery(
                "SELECT r FROM ContainerRecord r WHERE r.status = 'running'", ContainerRecord.class)).getResultList();
        if (running.isEmpty()) return;
        try (NodeClient client = node.open()) {
            Map<String, ContainerState> known = new ConcurrentHashMap<>();
            for (ContainerState s : client.list()) known.put(s.id(), s);
            for (ContainerRecord r : running) {
                ContainerState s = known.get(r.getId());
                if (s == null) {
                    bus.submit(new Command.RecordContainerEnded(r.getId(), null, null, false,
                            "lost: the node helper does not know this container", null, System.currentTimeMillis()));
                } else if (!s.running()) {
                    events.add(new Wire.Event("exited", s));
                }
            }
        }
    }

    private void closeSubscription() {
        NodeClient s = subscription;
        subscription = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
