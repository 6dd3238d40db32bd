package dev.yoq.cluster;

import dev.yoq.cluster.gossip.GossipIds;
import dev.yoq.cluster.gossip.Member;
import dev.yoq.cluster.gossip.MemberState;
import dev.yoq.cluster.gossip.SwimConfig;
import dev.yoq.cluster.gossip.SwimEvent;
import dev.yoq.cluster.gossip.UdpGossip;
import dev.yoq.cluster.raft.RaftPeerAddress;
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
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.logging.Logger;

/**
 * This server's SWIM member (spec §5.4): UDP on the Raft port + 100 at the server's own address, frames
 * authenticated with the key derived from the join token and accepted only from the servers and the registered
 * agents. Seeded with the other servers; agents join by pinging a server (their seeds come in the register and
 * heartbeat answers). The leader's offline rule reads {@link #deadAgents()}; {@code /cluster/status} shows
 * {@link #summary()}. Outside a cluster it does nothing.
 */
@Singleton
@Startup
@jakarta.ejb.DependsOn("ServerStartup")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ClusterGossip {
    private static final Logger LOG = Logger.getLogger(ClusterGossip.class.getName());
    static final long REFRESH_MS = 5_000;

    @Inject
    ClusterInfo cluster;
    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @Resource
    TimerService timers;

    private volatile UdpGossip gossip;
    private boolean closed;
    private volatile Set<Long> agents = Set.of();
    private volatile String lastProblem;

    @PostConstruct
    void start() {
        timers.createIntervalTimer(1_000, REFRESH_MS, new TimerConfig("gossip", false));
    }

    /** Refreshes which agents may gossip, and starts the member once the cluster runs. */
    @Timeout
    void tick() {
        if (!cluster.clustered() || cluster.raft() == null) return;
        try {
            @SuppressWarnings("unchecked")
            List<String> ids = em.createNativeQuery("SELECT id FROM agents").getResultList();
            Set<Long> known = new HashSet<>();
            ids.forEach(id -> known.add(GossipIds.ofAgent(id)));
            agents = known;
            if (gossip == null) open();
        } catch (IOException | RuntimeException e) {
            String problem = "gossip: " + e.getMessage();
            if (!problem.equals(lastProblem)) LOG.warning(problem + " (liveness goes on by heartbeats alone)");
            lastProblem = problem;
        }
    }

    private synchronized void open() throws IOException {
        if (gossip != null || closed) return;   // a timer firing during shutdown must not open it again
        RaftPeerAddress self = cluster.peers().stream().filter(p -> p.id() == cluster.nodeId()).findFirst().orElseThrow();
        List<Member> seeds = cluster.peers().stream().filter(p -> p.id() != self.id())
                .map(p -> Member.alive(GossipIds.ofServer(p.id()), p.host(), gossipPort(p))).toList();
        UdpGossip g = UdpGossip.open(SwimConfig.DEFAULT, ClusterKey.fromJoinToken(cluster.joinToken()), GossipIds.ofServer(self.id()),
                new InetSocketAddress(self.host(), gossipPort(self)), seeds,
                id -> GossipIds.isServer(id) || agents.contains(id), new SplittableRandom(), ClusterGossip::log);
        g.start();
        gossip = g;
        LOG.info("gossip on " + self.host() + ":" + gossipPort(self) + " with " + seeds.size() + " other servers as seeds");
    }

    @PreDestroy
    synchronized void stop() {
        closed = true;
        UdpGossip g = gossip;
        gossip = null;
        if (g == null) return;
        try {
            g.close();
        } catch (IOException e) {
            LOG.fine("closing gossip: " + e.getMessage());
        }
    }

    /** The agents this member holds dead (empty while gossip is not running). */
    public Set<String> deadAgents() {
        UdpGossip g = gossip;
        Set<String> out = new HashSet<>();
        if (g == null) return out;
        for (Member m : g.members()) {
            String agent = GossipIds.agentOf(m.id());
            if (agent != null && m.state() == MemberState.DEAD) out.add(agent);
        }
        return out;
    }

    /** {@code {"members":N,"alive":a,"suspect":s,"dead":d}} of the other members, or null while not running. */
    public Map<String, Integer> summary() {
        UdpGossip g = gossip;
        if (g == null) return null;
        Map<String, Integer> out = new LinkedHashMap<>();
        List<Member> members = g.members();
        out.put("members", members.size());
        for (MemberState s : List.of(MemberState.ALIVE, MemberState.SUSPECT, MemberState.DEAD)) {
            out.put(s.name().toLowerCase(java.util.Locale.ROOT), (int) members.stream().filter(m -> m.state() == s).count());
        }
        return out;
    }

    /** Every server's gossip address as a seed ({@code <member id>@<ip>:<port>}), for agents. */
    public List<String> serverSeeds() {
        return cluster.peers().stream().map(p -> GossipIds.seed(GossipIds.ofServer(p.id()), p.host(), gossipPort(p))).toList();
    }

    /** The spec's gossip port of a server: its Raft port + 100. */
    static int gossipPort(RaftPeerAddress p) {
        return ClusterConfig.gossipPortOf(p.port());
    }

    private static void log(SwimEvent e) {
        String agent = GossipIds.agentOf(e.member().id());
        String who = agent != null ? "agent " + agent : "server " + (e.member().id() - GossipIds.ofServer(0));
        if (e.type() == SwimEvent.Type.DEAD || e.type() == SwimEvent.Type.ALIVE || e.type() == SwimEvent.Type.JOINED) {
            LOG.info("gossip: " + who + " at " + e.member().address() + " " + e.type().name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
