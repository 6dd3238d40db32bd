package dev.yoq.cluster.raft;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.yoq.state.Command;
import dev.yoq.state.SqliteFixture;
import dev.yoq.state.StateMachine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * One Raft server as its own process, for the fault tests that run it in a lab node's namespaces: the real
 * RaftNode over its own SQLite file, and a small HTTP face on port 8700 the test drives. Registers are audit rows
 * (target = key, outcome = value); a read goes through the read-index barrier first.
 *
 * <pre>POST /write?key=K&value=V   → 200 the row id | 503 the error
 * GET  /read?key=K              → 200 "id:value" of the latest write ("" if none) | 503
 * GET  /row?id=N               → 200 "key=value" of that write ("" if absent; no barrier)
 * GET  /checksum                → 200 SHA-256 of every replicated row
 * GET  /status                  → 200 "leader|follower applied=N"</pre>
 * Usage: LabRaftServer CLUSTER_UUID SELF_ID PEERS(id@ip:port,...) DIR JOIN_TOKEN
 */
public final class LabRaftServer {
    public static void main(String[] args) throws Exception {
        RaftLab.RATIS_LOG.setLevel(java.util.logging.Level.WARNING);
        UUID cluster = UUID.fromString(args[0]);
        int selfId = Integer.parseInt(args[1]);
        List<RaftPeerAddress> peers = RaftPeerAddress.parseList(args[2]);
        RaftPeerAddress self = peers.stream().filter(p -> p.id() == selfId).findFirst().orElseThrow();
        Path dir = Path.of(args[3]);
        Files.createDirectories(dir.resolve("raft"));
        SqliteFixture db = new SqliteFixture(dir);
        CommandStateMachine sm = new CommandStateMachine(new StateMachine(), db, new SqliteSnapshots(db::connect), RaftLab.REPLICATED_WITH_AUDIT);
        RaftNode node = new RaftNode(cluster, self, peers, dir.resolve("raft"), sm, 200, dev.yoq.cluster.ClusterKey.fromJoinToken(args[4]));
        node.start();
        HttpServer http = HttpServer.create(new InetSocketAddress(self.host(), 8700), 64);
        http.setExecutor(Executors.newFixedThreadPool(16));
        http.createContext("/write", ex -> answer(ex, () -> {
            Map<String, String> q = query(ex);
            return String.valueOf(node.submit(new Command.RecordAudit("lab", "write", q.get("key"), q.get("value"), 0)));
        }));
        http.createContext("/read", ex -> answer(ex, () -> {
            node.readBarrier();
            return latest(db, query(ex).get("key"));
        }));
        http.createContext("/row", ex -> answer(ex, () -> row(db, Long.parseLong(query(ex).get("id")))));
        http.createContext("/checksum", ex -> answer(ex, () -> RaftLab.checksum(db)));
        http.createContext("/status", ex -> answer(ex, () -> (node.isLeader() ? "leader" : "follower") + " applied=" + node.appliedIndex()));
        http.start();
        System.out.println("lab raft server " + selfId + " ready on " + self.host() + ":8700");
    }

    interface Work { String run() throws Exception; }

    static void answer(HttpExchange ex, Work work) throws IOException {
        int status = 200;
        String body;
        try {
            body = work.run();
        } catch (Exception e) {
            status = 503;
            body = String.valueOf(e);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null) return q;
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) q.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    static String row(SqliteFixture db, long id) throws Exception {
        return firstOrEmpty(db, "SELECT target || '=' || outcome FROM audit_log WHERE id = ?", id);
    }

    static String latest(SqliteFixture db, String key) throws Exception {
        return firstOrEmpty(db, "SELECT id || ':' || outcome FROM audit_log WHERE actor = 'lab' AND target = ? ORDER BY id DESC LIMIT 1", key);
    }

    /** The first row's only column, or "" when there is no row. */
    static String firstOrEmpty(SqliteFixture db, String sql, Object parameter) throws Exception {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }
}
