package dev.yoq.cluster;

import dev.yoq.cluster.agent.AgentRegistration;
import dev.yoq.cluster.agent.AgentTokens;
import dev.yoq.cluster.agent.Liveness;
import dev.yoq.cluster.agent.NodeNumbers;
import dev.yoq.cluster.schedule.NodeStatus;
import dev.yoq.security.TokenComparison;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The servers' side of agents (spec §5.2, §5.3): registration with the join token, heartbeats buffered on the
 * leader and written as one log entry every 2 s, drain, and the leader's offline rule (checked every 5 s: an
 * agent silent for 30 s goes offline and its work becomes pending; an hour offline, it is forgotten). Reads come
 * from this server's copy of the replicated tables.
 */
@Singleton
@Startup
@jakarta.ejb.DependsOn("ServerStartup")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class AgentService {
    private static final Logger LOG = Logger.getLogger(AgentService.class.getName());
    static final long FLUSH_MS = 2_000;
    static final long LIVENESS_MS = 5_000;
    /** Heartbeats waiting for the next flush: at most one per agent (the newest), bounded by the agents there are. */
    private static final int MAX_BUFFERED = 100_000;

    @Inject
    ClusterInfo cluster;
    @Inject
    CommandBus bus;
    @Resource
    TimerService timers;
    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @jakarta.ejb.EJB
    ClusterGossip gossip;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Command.Heartbeat> buffered = new LinkedHashMap<>();

    /** A registration refused: the message is the spec's error. */
    @jakarta.ejb.ApplicationException
    public static final class Refused extends RuntimeException {
        public Refused(String message) { super(message); }
    }

    @PostConstruct
    void start() {
        timers.createIntervalTimer(FLUSH_MS, FLUSH_MS, new TimerConfig("heartbeat-flush", false));
        timers.createIntervalTimer(LIVENESS_MS, LIVENESS_MS, new TimerConfig("agent-liveness", false));
    }

    /** Whether {@code presented} is this cluster's join token (constant time); never outside a cluster. */
    public boolean isJoinToken(String presented) {
        return cluster.clustered() && TokenComparison.matches(cluster.joinToken(), presented);
    }

    /** What registering gave, with the agent's own token (shown this once: only its hash is kept). */
    public record Registration(Command.AgentRegistered result, String agentToken) {}

    /** Whether {@code token} may act for agent {@code agentId} on the agent routes ({@link AgentTokens#mayAct}). */
    public boolean mayActFor(String agentId, String token) {
        if (!cluster.clustered()) return false;
        List<?> rows = em.createNativeQuery("SELECT COALESCE(token_hash, '') FROM agents WHERE id = ?1").setParameter(1, agentId).getResultList();
        return AgentTokens.mayAct(rows.isEmpty() ? null : (String) rows.get(0), token, cluster.joinToken());
    }

    /** Whether {@code token} is the join token or some agent's own token (the WireGuard mesh is every node's). */
    public boolean isClusterMember(String token) {
        if (isJoinToken(token)) return true;
        return cluster.clustered() && ((Number) em.createNativeQuery("SELECT COUNT(*) FROM agents WHERE token_hash = ?1")
                .setParameter(1, AgentTokens.hash(token)).getSingleResult()).longValue() > 0;
    }

    /** Registers an agent: the join token first, then the body's fields (every problem named). */
    public Registration register(String token, AgentRegistration.Raw raw, long now) {
        if (!isJoinToken(token)) throw new Refused("invalid token");
        AgentRegistration r;
        try {
            r = AgentRegistration.check(raw);
        } catch (AgentRegistration.Invalid e) {
            throw new Refused(e.getMessage());
        }
        String labels = AgentRegistration.labelsCsv(r.labels());
        String agentToken = AgentTokens.draw(random);
        return new Registration(bus.submit(new Command.RegisterAgent(NodeNumbers.agentId(random), r.address(), r.agentApiPort(),
                r.cpuCores(), r.memoryMb(), r.wgPublicKey(), r.wgListenPort(), r.role().wire(), r.region(), labels, r.gpuCount(),
                r.gpuVramMb(), r.gpuModel(), now, AgentTokens.hash(agentToken))), agentToken);
    }

    /** Buffers a heartbeat for the next flush; returns the agent's status, or null when it is unknown. */
    public String heartbeat(Command.Heartbeat h) {
        String status = status(h.agentId());
        if (status == null) return null;
        synchronized (buffered) {
            if (buffered.size() < MAX_BUFFERED || buffered.containsKey(h.agentId())) buffered.put(h.agentId(), h);
        }
        return "offline".equals(status) ? "active" : status;
    }

    public String status(String id) {
        List<?> rows = em.createNativeQuery("SELECT status FROM agents WHERE id = ?1").setParameter(1, id).getResultList();
        return rows.isEmpty() ? null : (String) rows.get(0);
    }

    public String drain(String id, String actor, long now) {
        return bus.submit(new Command.DrainAgent(id, actor, now));
    }

    /** Records an agent's report on one of its assignments (with where a replica runs, if given); returns the status recorded. */
    public String report(String agentId, String assignmentId, String status, String reason, String ip) {
        return bus.submit(new Command.ReportAssignment(agentId, assignmentId, status, reason, System.currentTimeMillis(), ip));
    }

    public void setLabels(String id, String labels) {
        bus.submit(new Command.SetAgentLabels(id, labels));
    }

    static final List<String> AGENT_COLUMNS = List.of("id", "address", "status", "agent_api_port", "cpu_cores", "memory_mb",
            "cpu_used", "memory_used_mb", "containers", "last_heartbeat", "node_id", "wg_public_key", "overlay_ip", "role",
            "region", "labels", "gpu_count", "gpu_used", "gpu_model", "gpu_vram_mb", "rdma_capable");
    static final List<String> PEER_COLUMNS = List.of("node_id", "agent_id", "public_key", "endpoint", "overlay_ip", "container_subnet");
    static final List<String> ASSIGNMENT_COLUMNS = List.of("id", "agent_id", "image", "command", "status", "status_reason",
            "cpu_limit", "memory_limit_mb", "app_name", "workload_kind", "workload_name", "required_labels", "details", "ip_address");

    /** Every agent as a column map, oldest registration first. */
    public List<Map<String, Object>> list() {
        return rows(AGENT_COLUMNS, "agents ORDER BY registered_at, id");
    }

    /** The WireGuard mesh; {@code serversOnly}: the peers of nodes that are servers (role server or both). */
    public List<Map<String, Object>> wireguardPeers(boolean serversOnly) {
        List<Map<String, Object>> rows = rows(PEER_COLUMNS, "wireguard_peers"
                + (serversOnly ? " WHERE agent_id IN (SELECT id FROM agents WHERE role <> 'agent')" : "") + " ORDER BY node_id");
        // yoq's addition: whether the servers hear the node (agents move their relay off a hub that is down)
        // (a draining hub that went down stays draining: its silence counts too)
        java.util.Set<Object> offline = new java.util.HashSet<>(em.createNativeQuery("SELECT id FROM agents WHERE status = 'offline' "
                + "OR last_heartbeat < ?1").setParameter(1, System.currentTimeMillis() - Liveness.OFFLINE_AFTER_MS).getResultList());
        rows.forEach(r -> r.put("online", !offline.contains(r.get("agent_id"))));
        return rows;
    }

    /** The cluster's services with their VIPs and the replicas running behind them, for every node's dataplane. */
    @SuppressWarnings("unchecked")
    public List<dev.yoq.node.protocol.ServiceVip> services() {
        List<dev.yoq.cluster.work.ClusterVips.Service> services = new ArrayList<>();
        for (Object[] r : (List<Object[]>) em.createNativeQuery("SELECT name, app_name, workload_name, vip_address FROM cluster_services")
                .getResultList()) {
            services.add(new dev.yoq.cluster.work.ClusterVips.Service((String) r[0], (String) r[1], (String) r[2], (String) r[3]));
        }
        List<dev.yoq.cluster.work.ClusterVips.Replica> running = new ArrayList<>();
        for (Object[] r : (List<Object[]>) em.createNativeQuery("SELECT app_name, workload_name, ip_address FROM assignments WHERE status = 'running' "
                + "AND ip_address IS NOT NULL AND COALESCE(workload_kind, 'service') = 'service'").getResultList()) {
            running.add(new dev.yoq.cluster.work.ClusterVips.Replica((String) r[0], (String) r[1], (String) r[2]));
        }
        return dev.yoq.cluster.work.ClusterVips.table(services, running, publishedPorts());
    }

    @jakarta.ejb.EJB
    dev.yoq.app.ReleaseSnapshots snapshots;

    /** Each cluster service's published ports, from its app's newest completed release (parsed once, then cached). */
    private Map<String, List<dev.yoq.node.protocol.PortMapping>> publishedPorts() {
        Map<String, List<dev.yoq.node.protocol.PortMapping>> out = new java.util.HashMap<>();
        servingManifests().forEach((app, m) -> {
            for (dev.yoq.manifest.Manifest.Service s : m.services()) {
                if (s.ports().isEmpty()) continue;
                out.put(app + "-" + s.name(), s.ports().stream()
                        .map(p -> new dev.yoq.node.protocol.PortMapping("tcp", (int) p.hostPort(), (int) p.containerPort())).toList());
            }
        });
        return out;
    }

    /** The cluster's HTTP routes for every node's yoq-proxy ({@link dev.yoq.cluster.work.ClusterRoutes}), from each app's serving release. */
    @SuppressWarnings("unchecked")
    public List<dev.yoq.cluster.work.ClusterRoutes.Route> routes() {
        Map<String, List<String>> owners = new java.util.HashMap<>();
        for (Object[] r : (List<Object[]>) em.createNativeQuery("SELECT name, app_name, workload_name FROM cluster_services").getResultList()) {
            owners.put((String) r[0], List.of((String) r[1], (String) r[2]));
        }
        return dev.yoq.cluster.work.ClusterRoutes.of(servingManifests(), owners);
    }

    /** Each cluster app's newest completed release's manifest (parsed once, then cached); an unreadable one is left out. */
    @SuppressWarnings("unchecked")
    private Map<String, dev.yoq.manifest.Manifest> servingManifests() {
        Map<String, String> serving = new LinkedHashMap<>();
        for (Object[] r : (List<Object[]>) em.createNativeQuery("SELECT app_name, id FROM deployments WHERE status = 'completed' "
                + "AND app_name IN (SELECT app_name FROM cluster_services) ORDER BY created_at DESC, seq DESC").getResultList()) {
            serving.putIfAbsent((String) r[0], (String) r[1]);
        }
        Map<String, dev.yoq.manifest.Manifest> out = new java.util.TreeMap<>();
        serving.forEach((app, release) -> {
            try {
                dev.yoq.manifest.Manifest m = snapshots.of(release);
                if (m != null) out.put(app, m);
            } catch (RuntimeException unreadable) {   // one bad snapshot must not take every node's services down
                LOG.warning("app " + app + ": release " + release + ": " + unreadable.getMessage());
            }
        });
        return out;
    }

    /** Assignments placed on this agent. */
    public List<Map<String, Object>> assignments(String agentId) {
        return rows(ASSIGNMENT_COLUMNS, "assignments WHERE agent_id = ?1 ORDER BY created_at, id", agentId);
    }

    /** {@code SELECT columns FROM from}, each row as a map keyed by those column names. */
    private List<Map<String, Object>> rows(List<String> columns, String from, Object... params) {
        var q = em.createNativeQuery("SELECT " + String.join(", ", columns) + " FROM " + from);
        for (int i = 0; i < params.length; i++) q.setParameter(i + 1, params[i]);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object row : q.getResultList()) {
            Object[] values = row instanceof Object[] a ? a : new Object[] {row};
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) m.put(columns.get(i), values[i]);
            out.add(m);
        }
        return out;
    }

    @Timeout
    void tick(Timer timer) {
        if (!cluster.leadsStartedCluster()) return;
        try {
            if ("heartbeat-flush".equals(timer.getInfo())) flush();
            else checkLiveness(System.currentTimeMillis());
        } catch (dev.yoq.state.LeadershipLostException e) {
            LOG.info("agent " + timer.getInfo() + " left to the next leader: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warning("agent " + timer.getInfo() + ": " + e.getMessage());
        }
    }

    private void flush() {
        List<Command.Heartbeat> batch;
        synchronized (buffered) {
            if (buffered.isEmpty()) return;
            batch = List.copyOf(buffered.values());
            buffered.clear();
        }
        bus.submit(new Command.RecordHeartbeats(batch));
    }

    @SuppressWarnings("unchecked")
    private void checkLiveness(long now) {
        List<Liveness.Agent> agents = new ArrayList<>();
        for (Object[] r : (List<Object[]>) em.createNativeQuery(
                "SELECT id, status, last_heartbeat, COALESCE(offline_since, 0) FROM agents").getResultList()) {
            agents.add(new Liveness.Agent((String) r[0], NodeStatus.parse((String) r[1]), ((Number) r[2]).longValue(), ((Number) r[3]).longValue()));
        }
        // a heartbeat still in the buffer counts: it has not been written yet, but the agent spoke
        synchronized (buffered) {
            agents.replaceAll(a -> buffered.containsKey(a.id())
                    ? new Liveness.Agent(a.id(), a.status(), Math.max(a.lastHeartbeatMs(), buffered.get(a.id()).at()), a.offlineSinceMs()) : a);
        }
        List<String> offline = new ArrayList<>();
        List<String> gossipOffline = new ArrayList<>();
        List<String> forget = new ArrayList<>();
        for (Liveness.Decision d : Liveness.evaluate(agents, now, 0, gossip.deadAgents())) {
            (switch (d.action()) {
                case MARK_OFFLINE -> offline;
                case MARK_OFFLINE_GOSSIP -> gossipOffline;
                case FORGET -> forget;
            }).add(d.agentId());
        }
        if (!offline.isEmpty()) {
            int n = bus.submitAsLeader(new Command.MarkAgentsOffline(offline, now - Liveness.offlineAfterMs(0), now));
            if (n > 0) LOG.warning(n + " agent(s) offline after " + Liveness.OFFLINE_AFTER_MS / 1000 + " s without a heartbeat: " + offline);
        }
        if (!gossipOffline.isEmpty()) {
            int n = bus.submitAsLeader(new Command.MarkAgentsOffline(gossipOffline, now - Liveness.GOSSIP_CONFIRM_MS, now));
            if (n > 0) LOG.warning(n + " agent(s) offline: gossip holds them dead and no heartbeat for "
                    + Liveness.GOSSIP_CONFIRM_MS / 1000 + " s: " + gossipOffline);
        }
        if (!forget.isEmpty()) bus.submitAsLeader(new Command.ForgetAgents(forget, now - Liveness.FORGET_AFTER_MS));
    }
}
