package dev.yoq.cluster.raft;

import dev.yoq.state.SqliteFixture;
import dev.yoq.state.StateMachine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Several Raft servers in one JVM on loopback, each with its own SQLite database and Raft storage: what the
 * replication tests start, stop and compare.
 */
final class RaftLab implements AutoCloseable {
    /** These servers replicate audit rows as their test data, so a snapshot carries them too (in yoq they are node-local). */
    static final java.util.List<String> REPLICATED_WITH_AUDIT = java.util.stream.Stream.concat(
            dev.yoq.cluster.Replication.REPLICATED_TABLES.stream(), java.util.stream.Stream.of("audit_log")).toList();
    /** Ratis logs every step at INFO; the tests keep its warnings (held here so the setting is not collected). */
    static final java.util.logging.Logger RATIS_LOG = java.util.logging.Logger.getLogger("org.apache.ratis");
    static {
        RATIS_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    final UUID clusterId = UUID.randomUUID();
    final Path root;
    final long snapshotEvery;
    final List<RaftPeerAddress> peers = new ArrayList<>();
    final RaftNode[] nodes;
    final SqliteFixture[] dbs;
    /** Each server's key from its join token: the same for all unless a test gives one another token. */
    final dev.yoq.cluster.ClusterKey[] keys;

    RaftLab(Path root, int size, long snapshotEvery) throws IOException {
        this.root = root;
        this.snapshotEvery = snapshotEvery;
        for (int i = 1; i <= size; i++) peers.add(new RaftPeerAddress(i, "127.0.0.1", freePort()));
        nodes = new RaftNode[size];
        dbs = new SqliteFixture[size];
        keys = new dev.yoq.cluster.ClusterKey[size];
        java.util.Arrays.fill(keys, dev.yoq.cluster.ClusterKey.fromJoinToken("lab-join-token"));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    void startAll() throws Exception {
        for (int i = 0; i < nodes.length; i++) start(i);
    }

    /** Starts server {@code i} on its database and storage (kept across restarts, as on disk). */
    void start(int i) throws Exception {
        Path dir = root.resolve("s" + (i + 1));
        Files.createDirectories(dir.resolve("raft"));
        if (dbs[i] == null) dbs[i] = new SqliteFixture(dir);
        SqliteFixture db = dbs[i];
        CommandStateMachine sm = new CommandStateMachine(new StateMachine(), db, new SqliteSnapshots(db::connect), REPLICATED_WITH_AUDIT);
        nodes[i] = new RaftNode(clusterId, peers.get(i), peers, dir.resolve("raft"), sm, snapshotEvery, keys[i]);
        nodes[i].start();
    }

    void stop(int i) throws IOException {
        if (nodes[i] != null) nodes[i].close();
        nodes[i] = null;
    }

    /** Stops server {@code i} and forgets its database too (a replaced disk). */
    void wipe(int i) throws IOException {
        stop(i);
        dbs[i].close();
        dbs[i] = null;
        Path dir = root.resolve("s" + (i + 1));
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The index of the live server that is leader, waiting up to {@code timeoutMs}; -1 if none. */
    int awaitLeader(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] != null && nodes[i].isLeader()) return i;
            }
            Thread.sleep(20);
        }
        return -1;
    }

    int anyFollower(int leader) {
        for (int i = 0; i < nodes.length; i++) if (i != leader && nodes[i] != null) return i;
        return -1;
    }

    /** Waits until every live server applied at least {@code index}. */
    boolean awaitAllApplied(long index, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            boolean all = true;
            for (RaftNode n : nodes) if (n != null && n.appliedIndex() < index) all = false;
            if (all) return true;
            Thread.sleep(20);
        }
        return false;
    }

    long maxApplied() {
        long max = -1;
        for (RaftNode n : nodes) if (n != null) max = Math.max(max, n.appliedIndex());
        return max;
    }

    String checksum(int i) throws Exception { return checksum(dbs[i]); }

    /** SHA-256 over every row of every table (but the migrations' own), in rowid order. */
    static String checksum(SqliteFixture db) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' "
                    + "AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version' ORDER BY name")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            for (String t : tables) {
                sha.update(t.getBytes());
                try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + t + "\" ORDER BY rowid")) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        for (int col = 1; col <= md.getColumnCount(); col++) {
                            Object v = rs.getObject(col);   // a BLOB by its bytes: String.valueOf would give the array's identity
                            sha.update(v instanceof byte[] bytes ? bytes : String.valueOf(v).getBytes());
                        }
                    }
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    long count(int i, String sql) throws Exception { return dbs[i].count(sql); }

    @Override
    public void close() throws IOException {
        for (int i = 0; i < nodes.length; i++) {
            try { stop(i); } catch (IOException ignored) { }
            if (dbs[i] != null) dbs[i].close();
        }
    }
}
