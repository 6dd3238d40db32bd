package dev.yoq.cluster;

import dev.yoq.cluster.raft.CommandStateMachine;
import dev.yoq.cluster.raft.RaftNode;
import dev.yoq.cluster.raft.RaftPeerAddress;
import dev.yoq.cluster.raft.SqliteSnapshots;
import dev.yoq.node.protocol.BuildInfo;
import dev.yoq.state.CommandBus;
import dev.yoq.state.StateMachine;
import dev.yoq.state.TransactionRunner;
import dev.yoq.state.jta.JtaTransactionRunner;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * This server's place in a cluster. Without {@code <data dir>/cluster/cluster.json} it is a single node and
 * every answer is the spec's single-server answer (not clustered, node id 0, no peers). With it, {@link #start}
 * runs this server's Raft peer and sends the replicated commands of the {@link CommandBus} through the log.
 */
@ApplicationScoped
public class ClusterInfo {
    /** The cluster wire protocol this build speaks (spec: 1). */
    /**
     * The spec's protocol version (1). The log's entries are typed commands whose shape grows with the software
     * (schema 12 and 13 added fields a server of an earlier build refuses): servers of different software versions
     * are not run together (docs/cluster.md, "Before upgrading").
     */
    public static final int PROTOCOL_VERSION = 1;
    private static final Logger LOG = Logger.getLogger(ClusterInfo.class.getName());

    @Inject
    CommandBus bus;

    @Inject
    JtaTransactionRunner transactions;

    @Inject
    dev.yoq.security.ApiTokens tokens;

    @Resource(lookup = "jdbc/yoq")
    DataSource dataSource;

    private volatile ClusterConfig config;
    private volatile RaftNode raft;
    private volatile boolean started;
    private volatile boolean configured;
    private volatile String startFailure;

    /**
     * Joins the cluster configured in {@code dataDir}, if any: starts the Raft peer and routes replicated commands
     * through it. From the moment {@code cluster.json} exists this server never applies a replicated command alone:
     * until the peer runs, or if it cannot start, they are refused (503). A data directory that already holds
     * replicated state from single-node use is refused until a first start succeeded (its rows are in no log, so
     * the other servers would never have them).
     */
    public synchronized void start(Path dataDir) throws IOException {
        if (raft != null || !Files.exists(ClusterConfig.file(dataDir))) return;
        configured = true;
        bus.replicateThrough(ClusterInfo::notStartedYet, Replication::replicated);
        try {
            ClusterConfig c = ClusterConfig.read(dataDir);
            Path joined = dataDir.resolve("cluster").resolve("joined");
            if (!Files.exists(joined)) refuseExistingState();
            CommandStateMachine machine = new CommandStateMachine(new StateMachine(), exclusiveTransactions(),
                    new SqliteSnapshots(dataSource::getConnection), Replication.REPLICATED_TABLES, bus::exclusively);
            RaftNode node = new RaftNode(c.groupId(), c.self(), c.peers(), dataDir.resolve("cluster").resolve("raft"), machine,
                    RaftNode.SNAPSHOT_EVERY, ClusterKey.forServers(c.token(), tokens.adminTokenForPeers()));
            this.config = c;
            this.raft = node;
            Thread starter = new Thread(() -> startPeer(node, c, joined), "yoq-raft-start");
            starter.setDaemon(true);
            starter.start();
        } catch (IOException | RuntimeException e) {
            startFailure = e.getMessage() == null ? e.toString() : e.getMessage();
            throw e;
        }
    }

    /** Applies take the bus's writer lock around their whole transaction, commit included: one writer at a time. */
    private TransactionRunner exclusiveTransactions() {
        return new TransactionRunner() {
            @Override
            public <R> R inNewTransaction(Function<jakarta.persistence.EntityManager, R> work) {
                return bus.exclusively(() -> transactions.inNewTransaction(work));
            }
        };
    }

    /**
     * Ratis applies through the container's transactions, which Liberty allows only once the application has
     * started, and {@link #start} runs inside that start: the peer starts on its own thread once a first empty
     * transaction gets through (before that, holding the writer lock while waiting would block the start-up's own
     * local commands).
     */
    private void startPeer(RaftNode node, ClusterConfig c, Path joined) {
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
            while (true) {
                try {
                    transactions.inNewTransaction(em -> null);
                    break;
                } catch (RuntimeException notYet) {
                    if (System.nanoTime() > deadline) throw notYet;
                    Thread.sleep(500);
                }
            }
            node.start();
            if (!Files.exists(joined)) Files.writeString(joined, "first started " + java.time.Instant.now() + "\n");
            bus.replicateThrough(node::submit, Replication::replicated);
            started = true;
            LOG.info(() -> "cluster server " + c.id() + " started: Raft on " + c.self().address() + ", peers " + c.peers());
        } catch (IOException | RuntimeException e) {
            startFailure = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.severe("the Raft peer did not start: " + startFailure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            startFailure = "interrupted";
        }
    }

    private static <R> R notStartedYet(dev.yoq.state.Command<R> command, boolean asLeader) {
        throw new dev.yoq.state.NotCommittedException("this cluster server's Raft peer is still starting; try again", null);
    }

    /** Null once the Raft peer runs (or on a single node), {@code starting} meanwhile, else why it did not start. */
    public String notReadyReason() {
        if (!configured || started) return null;
        return startFailure != null ? "the Raft peer did not start: " + startFailure : "starting";
    }

    private void refuseExistingState() throws IOException {
        try (Connection conn = dataSource.getConnection(); Statement s = conn.createStatement()) {
            for (String table : Replication.REPLICATED_TABLES) {
                if (table.startsWith("raft_")) continue;
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
                    if (rs.next() && rs.getLong(1) > 0) {
                        throw new IOException("this data directory holds state from single-node use (" + table + " has "
                                + rs.getLong(1) + " rows) that a new cluster would not share; start the cluster server on a "
                                + "fresh data directory (yoq cannot yet move a single node's apps, policies and certificates into a cluster)");
                    }
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the database before joining the cluster: " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void stop() {
        RaftNode node = raft;
        if (node == null) return;
        try {
            node.close();
        } catch (IOException | RuntimeException e) {
            LOG.warning("closing the Raft peer: " + e);
        }
    }

    public boolean clustered() {
        return raft != null;
    }

    /** This node's id in the cluster; 0 outside one. */
    public int nodeId() {
        ClusterConfig c = config;
        return c == null ? 0 : c.id();
    }

    public String softwareVersion() {
        return BuildInfo.version();
    }

    /** The Raft peer; only while {@link #clustered()}. */
    public RaftNode raft() {
        RaftNode node = raft;
        if (node == null) throw new IllegalStateException("not running in cluster mode");
        return node;
    }

    /** Whether this server may take writes and run the cluster's once-only work: always on a single node. */
    public boolean leads() {
        RaftNode node = raft;
        return node == null || node.isLeader();
    }

    /** A cluster server that has started and leads now: the one that runs the cluster's periodic work. */
    public boolean leadsStartedCluster() {
        return clustered() && leads() && notReadyReason() == null && caughtUp();
    }

    /**
     * Whether this server has applied what earlier leaders committed (true on a single node, and on a follower, which
     * decides nothing): leader passes wait for it, so a new leader never decides on a database that lacks its
     * predecessor's last decisions.
     */
    public boolean caughtUp() {
        RaftNode node = raft;
        return node == null || !node.isLeader() || node.leadsCaughtUp();
    }

    /** The leader's API address ({@code ip:apiport}, the servers share the API port), or null while unknown. */
    public String leaderApiAddress() {
        RaftNode node = raft;
        RaftPeerAddress leader = node == null ? null : node.leader();
        return leader == null ? null : leader.host() + ":" + config.apiPort();
    }

    /** Every server's API address ({@code ip:apiport}; all servers use this one's API port), for agents to fall back on. */
    public List<String> serverApiAddresses() {
        ClusterConfig c = config;
        return c == null ? List.of() : c.peers().stream().map(p -> p.host() + ":" + c.apiPort()).toList();
    }

    public List<RaftPeerAddress> peers() {
        ClusterConfig c = config;
        return c == null ? List.of() : c.peers();
    }

    /** This server's node-info and every other configured server's, as they answer (empty outside a cluster). */
    public List<PeerInfo.Answer> peersInfo() {
        ClusterConfig c = config;
        if (c == null) return List.of();
        List<PeerInfo.Answer> all = new java.util.ArrayList<>();
        all.add(new PeerInfo.Answer(c.id(), true, softwareVersion(), System.currentTimeMillis()));
        all.addAll(PeerInfo.ask(c.peers().stream().filter(p -> p.id() != c.id()).toList(), c.apiPort(), tokens.adminTokenForPeers()));
        return all;
    }

    /** The join token agents present; null outside a cluster. Never logged. */
    public String joinToken() {
        ClusterConfig c = config;
        return c == null ? null : c.token();
    }

    /**
     * The 32-byte key that encrypts the cluster's secrets keyset ({@link dev.yoq.security.ClusterKeysets}): derived, as
     * the servers' Raft key is, from the join token and the servers' API token, so every server has it and no agent does.
     */
    public byte[] secretsKeysetKey() {
        ClusterConfig c = config;
        if (c == null) throw new IllegalStateException("not running in cluster mode");
        return ClusterKey.forServers(c.token(), tokens.adminTokenForPeers())
                .tag("yoq-secrets-keyset".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    public int apiPort() {
        ClusterConfig c = config;
        return c == null ? 0 : c.apiPort();
    }
}
