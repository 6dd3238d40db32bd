package dev.yoq.cluster.raft;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Three {@link LabRaftServer} processes, each in a node of its own lab (scripts/lab: network and mount namespaces
 * on a lab bridge), driven over HTTP. Kills are SIGKILL, partitions are the lab's nftables drop in the node.
 * The lab is named yoqrft on 10.239.1.0/24 so that it never touches a lab a person has up.
 */
public final class LabCluster implements AutoCloseable {
    static final String NAME = "yoqrft";
    static final String SUBNET = "10.239.1";
    final Path script;
    final Path logs;
    final UUID cluster = UUID.randomUUID();
    final int size;
    final Process[] servers;
    final String peers;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public LabCluster(Path script, Path logs, int size) throws Exception {
        this.script = script;
        this.logs = logs;
        this.size = size;
        this.servers = new Process[size];
        List<String> p = new ArrayList<>();
        for (int i = 1; i <= size; i++) p.add(i + "@" + SUBNET + "." + i + ":9700");
        this.peers = String.join(",", p);
        lab("down");   // a lab of this name left by an earlier, killed run is ours to remove
        lab("up", "--servers", String.valueOf(size));
    }

    void lab(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("YOQ_LAB_NAME", NAME);
        pb.environment().put("YOQ_LAB_SUBNET", SUBNET);
        Process proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!proc.waitFor(60, TimeUnit.SECONDS) || proc.exitValue() != 0) {
            throw new IllegalStateException("scripts/lab " + String.join(" ", args) + " failed: " + out);
        }
    }

    /** Starts (or restarts) server {@code i} (1-based) on its data directory in the lab. */
    public void start(int i) throws Exception {
        Path dir = Path.of("/var/tmp", NAME, "s" + i, "data");
        List<String> cmd = new ArrayList<>(List.of(script.toString(), "exec", "s" + i,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), LabRaftServer.class.getName(),
                cluster.toString(), String.valueOf(i), peers, dir.toString(), "lab-join-token"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("s" + i + ".log").toFile()));
        pb.environment().put("YOQ_LAB_NAME", NAME);
        pb.environment().put("YOQ_LAB_SUBNET", SUBNET);
        servers[i - 1] = pb.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (get(i, "/status") != null) return;
            Thread.sleep(100);
        }
        throw new IllegalStateException("server s" + i + " did not answer within 30 s: " + Files.readString(logs.resolve("s" + i + ".log")));
    }

    boolean running(int i) { return servers[i - 1] != null && servers[i - 1].isAlive(); }

    /**
     * Undoes whatever an earlier test (or a failed one) left: every server healed and running, a leader, identical
     * tables. A test that fails half-way must not leave the next one a cluster without a majority.
     */
    public void restoreAll(long timeoutMs) throws Exception {
        for (int i = 1; i <= size; i++) {
            heal(i);
            if (!running(i)) start(i);
        }
        if (awaitLeader(timeoutMs, -1) < 0) throw new IllegalStateException("no leader within " + timeoutMs + " ms of restoring the lab");
        if (!awaitConverged(timeoutMs)) throw new IllegalStateException("the lab's servers did not converge within " + timeoutMs + " ms");
    }

    public void kill(int i) throws InterruptedException {
        Process p = servers[i - 1];
        p.destroyForcibly();   // SIGKILL: nsenter exec'd java, so this is the server itself
        p.waitFor(10, TimeUnit.SECONDS);
    }

    public void isolate(int i) throws Exception { lab("isolate", "s" + i); }

    public void heal(int i) throws Exception { lab("heal", "s" + i); }

    /** The 1-based index of the server that says it leads, or -1. */
    public int leader() {
        for (int i = 1; i <= size; i++) {
            String s = get(i, "/status");
            if (s != null && s.startsWith("leader")) return i;
        }
        return -1;
    }

    public int awaitLeader(long timeoutMs, int not) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            int l = leader();
            if (l > 0 && l != not) return l;
            Thread.sleep(50);
        }
        return -1;
    }

    /** The row id of the write, or null when the server answered an error or nothing. */
    public Long write(int i, String key, String value) {
        String r = post(i, "/write?key=" + enc(key) + "&value=" + enc(value));
        return r == null ? null : Long.valueOf(r);
    }

    /** "id:value" of the key's latest row as server {@code i} reads it after a read-index barrier; null on error. */
    public String read(int i, String key) { return get(i, "/read?key=" + enc(key)); }

    /**
     * {@link #read} retried until it answers: right after a heal the cut-off server's election may still be
     * settling, and a read-index barrier fails (503) until it knows a leader again.
     */
    String awaitRead(int i, String key, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String r = read(i, key);
        while (r == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            r = read(i, key);
        }
        if (r == null) throw new IllegalStateException("s" + i + " answered no read of " + key + " within " + timeoutMs + " ms");
        return r;
    }

    String checksum(int i) { return get(i, "/checksum"); }

    /** "key=value" of write {@code id} on server {@code i} ("" if it has no such row). */
    String row(int i, long id) { return get(i, "/row?id=" + id); }

    long applied(int i) {
        String s = get(i, "/status");
        return s == null ? -1 : Long.parseLong(s.substring(s.indexOf("applied=") + 8));
    }

    public boolean awaitConverged(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            String first = checksum(1);
            boolean same = first != null;
            for (int i = 2; i <= size && same; i++) same = first.equals(checksum(i));
            if (same) return true;
            Thread.sleep(200);
        }
        return false;
    }

    /** A write sent from inside node {@code i} itself (reachable while the node is cut off): its HTTP status. */
    int writeFromInside(int i, String key, String value) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "exec", "s" + i, "curl", "-s", "-o", "/dev/null",
                "-w", "%{http_code}", "-m", "30", "-X", "POST", uri(i, "/write?key=" + enc(key) + "&value=" + enc(value)).toString());
        pb.environment().put("YOQ_LAB_NAME", NAME);
        pb.environment().put("YOQ_LAB_SUBNET", SUBNET);
        Process proc = pb.start();
        String code = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        proc.waitFor(40, TimeUnit.SECONDS);
        return code.isEmpty() ? 0 : Integer.parseInt(code);
    }

    String get(int i, String path) { return call(i, HttpRequest.newBuilder(uri(i, path)).GET()); }

    String post(int i, String path) { return call(i, HttpRequest.newBuilder(uri(i, path)).POST(HttpRequest.BodyPublishers.noBody())); }

    private String call(int i, HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(25)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static URI uri(int i, String path) { return URI.create("http://" + SUBNET + "." + i + ":8700" + path); }

    static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    @Override
    public void close() throws Exception {
        for (Process p : servers) if (p != null) p.destroyForcibly();
        lab("down");
    }
}
