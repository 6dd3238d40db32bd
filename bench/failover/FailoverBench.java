import dev.yoq.cluster.raft.LabCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Leader failover: how long after a SIGKILL of the leader another server of three says it leads. "yoq": three
 * Raft server processes (LabRaftServer: RaftNode over its own SQLite) each in a lab node (scripts/lab); "etcd":
 * three etcd members on loopback with the same election timeout range (1.5-3 s: etcd randomizes in [t, 2t]) and
 * pre-vote, as Ratis has; etcd's heartbeat is 300 ms (it refuses one above a fifth of the election timeout),
 * Ratis' 750 ms (half the minimum timeout).
 * Each round waits 1-2 s (a random phase against the heartbeats), kills the leader, polls every 20-50 ms until
 * another leads, then restarts the killed one and waits until it is back.
 * Usage: FailoverBench yoq ROUNDS LAB_SCRIPT LOG_DIR | FailoverBench etcd ROUNDS DATA_DIR
 */
public class FailoverBench {
    static final Random PHASE = new Random(42);

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("org.apache.ratis").setLevel(java.util.logging.Level.SEVERE);
        int rounds = Integer.parseInt(args[1]);
        long[] ms = "yoq".equals(args[0]) ? yoq(rounds, Path.of(args[2]), Path.of(args[3])) : etcd(rounds, Path.of(args[2]));
        report(args[0], ms);
    }

    static long[] yoq(int rounds, Path script, Path logs) throws Exception {
        Files.createDirectories(logs);
        long[] ms = new long[rounds];
        try (LabCluster lab = new LabCluster(script, logs, 3)) {
            for (int i = 1; i <= 3; i++) lab.start(i);
            for (int r = 0; r < rounds; r++) {
                lab.restoreAll(60_000);
                int leader = lab.awaitLeader(30_000, -1);
                if (lab.write(leader, "round", String.valueOf(r)) == null) throw new IllegalStateException("no write in round " + r);
                Thread.sleep(1_000 + PHASE.nextInt(1_000));
                long killed = System.nanoTime();
                lab.kill(leader);
                if (lab.awaitLeader(30_000, leader) < 0) throw new IllegalStateException("no new leader within 30 s in round " + r);
                ms[r] = (System.nanoTime() - killed) / 1_000_000;
            }
        }
        return ms;
    }

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    static final Pattern LEADER = Pattern.compile("\"leader\":\"(\\d+)\"");
    static final Pattern MEMBER = Pattern.compile("\"member_id\":\"(\\d+)\"");

    static long[] etcd(int rounds, Path dir) throws Exception {
        Process[] members = new Process[3];
        try {
            for (int i = 0; i < 3; i++) members[i] = startEtcd(dir, i);
            long[] ms = new long[rounds];
            for (int r = 0; r < rounds; r++) {
                int leader = etcdLeader(-1, 60_000);
                Thread.sleep(1_000 + PHASE.nextInt(1_000));
                String oldId = member(leader);
                long killed = System.nanoTime();
                members[leader].destroyForcibly().waitFor();
                if (etcdLeader(leader, 30_000, oldId) < 0) throw new IllegalStateException("etcd: no new leader within 30 s");
                ms[r] = (System.nanoTime() - killed) / 1_000_000;
                members[leader] = startEtcd(dir, leader);
                awaitAllAnswer(60_000);
            }
            return ms;
        } finally {
            for (Process p : members) if (p != null) p.destroyForcibly().waitFor();
        }
    }

    static Process startEtcd(Path dir, int i) throws Exception {
        String cluster = "e0=http://127.0.0.1:23890,e1=http://127.0.0.1:23891,e2=http://127.0.0.1:23892";
        return new ProcessBuilder("etcd", "--name", "e" + i, "--data-dir", dir.resolve("e" + i).toString(),
                "--listen-client-urls", "http://127.0.0.1:2379" + i, "--advertise-client-urls", "http://127.0.0.1:2379" + i,
                "--listen-peer-urls", "http://127.0.0.1:2389" + i, "--initial-advertise-peer-urls", "http://127.0.0.1:2389" + i,
                "--initial-cluster", cluster, "--initial-cluster-state", "new", "--initial-cluster-token", "yoq-failover",
                "--heartbeat-interval", "300", "--election-timeout", "1500", "--pre-vote", "--log-level", "error")
                .redirectErrorStream(true).redirectOutput(dir.resolve("e" + i + ".log").toFile()).start();
    }

    static String status(int i) {
        try {
            HttpRequest q = HttpRequest.newBuilder(URI.create("http://127.0.0.1:2379" + i + "/v3/maintenance/status"))
                    .timeout(Duration.ofMillis(800)).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
            HttpResponse<String> a = HTTP.send(q, HttpResponse.BodyHandlers.ofString());
            return a.statusCode() == 200 ? a.body() : null;
        } catch (Exception e) {
            return null;
        }
    }

    static String field(Pattern p, String body) {
        if (body == null) return null;
        Matcher m = p.matcher(body);
        return m.find() ? m.group(1) : null;
    }

    static String member(int i) { return field(MEMBER, status(i)); }

    static int etcdLeader(int not, long timeoutMs) throws InterruptedException { return etcdLeader(not, timeoutMs, null); }

    /** The index of the member a surviving member names as leader (not {@code not}, not {@code oldId}), or -1. */
    static int etcdLeader(int not, long timeoutMs, String oldId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            for (int i = 0; i < 3; i++) {
                if (i == not) continue;
                String body = status(i);
                String leader = field(LEADER, body);
                if (leader != null && !leader.equals("0") && !leader.equals(oldId) && leader.equals(field(MEMBER, body))) return i;
            }
            Thread.sleep(20);
        }
        return -1;
    }

    static void awaitAllAnswer(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (status(0) != null && status(1) != null && status(2) != null) return;
            Thread.sleep(100);
        }
        throw new IllegalStateException("etcd: a restarted member did not answer within " + timeoutMs + " ms");
    }

    static void report(String who, long[] ms) {
        long[] s = ms.clone();
        Arrays.sort(s);
        long within = Arrays.stream(s).filter(x -> x < 5_000).count();
        System.out.printf("%-5s failover over %d kills: p50 %d ms, p90 %d ms, max %d ms, %d/%d within 5 s   (each: %s)%n",
                who, s.length, s[s.length / 2], s[(int) Math.ceil(s.length * 0.9) - 1], s[s.length - 1], within, s.length, Arrays.toString(ms));
    }
}
