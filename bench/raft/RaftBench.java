import dev.yoq.cluster.raft.CommandStateMachine;
import dev.yoq.cluster.raft.RaftNode;
import dev.yoq.cluster.raft.RaftPeerAddress;
import dev.yoq.cluster.raft.SqliteSnapshots;
import dev.yoq.state.Command;
import dev.yoq.state.SqliteFixture;
import dev.yoq.state.StateMachine;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Raft commit latency and batched throughput. "yoq": three RaftNodes (Ratis over gRPC, each applying to its own
 * SQLite file through the state machine) on loopback in this JVM, commands submitted on the leader. "etcd": the
 * three-member etcd cluster bench/raft.sh started, PUTs through its JSON gateway. Same payload size both ways.
 * Usage: RaftBench yoq DIR | RaftBench etcd URL,URL,URL     (env: N latency samples, SECS, THREADS, PAYLOAD)
 */
public class RaftBench {
    static final int SAMPLES = Integer.getInteger("n", Integer.parseInt(System.getenv().getOrDefault("N", "2000")));
    static final int SECS = Integer.parseInt(System.getenv().getOrDefault("SECS", "10"));
    static final int THREADS = Integer.parseInt(System.getenv().getOrDefault("THREADS", "64"));
    static final int PAYLOAD = Integer.parseInt(System.getenv().getOrDefault("PAYLOAD", "256"));

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger ratis = java.util.logging.Logger.getLogger("org.apache.ratis");
        ratis.setLevel(java.util.logging.Level.SEVERE);
        java.util.logging.Logger.getLogger("dev.yoq").setLevel(java.util.logging.Level.WARNING);
        String payload = "x".repeat(PAYLOAD);
        IntConsumer op;
        AutoCloseable cleanup;
        if (args[0].equals("yoq")) {
            RaftNode[] nodes = startYoq(Path.of(args[1]));
            RaftNode leader = awaitLeader(nodes);
            op = i -> leader.submit(new Command.RecordAudit("bench", "put", payload, "ok", i));
            cleanup = () -> { for (RaftNode n : nodes) n.close(); };
        } else {
            String[] urls = args[1].split(",");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String value = Base64.getEncoder().encodeToString(payload.getBytes());
            op = i -> {
                String key = Base64.getEncoder().encodeToString(("bench/" + (i % 1000)).getBytes());
                HttpRequest put = HttpRequest.newBuilder(URI.create(urls[0] + "/v3/kv/put"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\",\"value\":\"" + value + "\"}")).build();
                try {
                    HttpResponse<String> r = http.send(put, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) throw new IllegalStateException("etcd answered " + r.statusCode() + ": " + r.body());
                } catch (java.io.IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
            cleanup = () -> { };
        }
        for (int i = 0; i < 500; i++) op.accept(i); // warm-up
        long[] lat = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            long t = System.nanoTime();
            op.accept(i);
            lat[i] = System.nanoTime() - t;
        }
        Arrays.sort(lat);
        double p50 = lat[SAMPLES / 2] / 1e6, p99 = lat[(int) (SAMPLES * 0.99)] / 1e6;
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + SECS * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int base = t * 1_000_000;
            Thread th = new Thread(() -> {
                for (int i = base; System.nanoTime() < end; i++) {
                    op.accept(i);
                    done.incrementAndGet();
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) th.join();
        System.out.printf("%s: commit p50 %.2f ms, p99 %.2f ms (%d sequential); %.0f commits/s with %d concurrent clients (%d s), payload %d B%n",
                args[0], p50, p99, SAMPLES, done.get() / (double) SECS, THREADS, SECS, PAYLOAD);
        cleanup.close();
        System.exit(0);
    }

    static RaftNode[] startYoq(Path dir) throws Exception {
        UUID cluster = UUID.randomUUID();
        List<RaftPeerAddress> peers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                peers.add(new RaftPeerAddress(i, "127.0.0.1", s.getLocalPort()));
            }
        }
        RaftNode[] nodes = new RaftNode[3];
        for (int i = 0; i < 3; i++) {
            Path d = dir.resolve("s" + (i + 1));
            Files.createDirectories(d.resolve("raft"));
            SqliteFixture db = new SqliteFixture(d);
            CommandStateMachine sm = new CommandStateMachine(new StateMachine(), db, new SqliteSnapshots(db::connect));
            nodes[i] = new RaftNode(cluster, peers.get(i), peers, d.resolve("raft"), sm, RaftNode.SNAPSHOT_EVERY,
                    dev.yoq.cluster.ClusterKey.fromJoinToken("bench-join-token"));
            nodes[i].start();
        }
        return nodes;
    }

    static RaftNode awaitLeader(RaftNode[] nodes) throws InterruptedException {
        for (int i = 0; i < 1500; i++) {
            for (RaftNode n : nodes) if (n.isLeader()) return n;
            Thread.sleep(20);
        }
        throw new IllegalStateException("no leader after 30 s");
    }
}
