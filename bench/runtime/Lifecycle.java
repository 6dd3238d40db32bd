import dev.yoq.node.NodeClient;
import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.ContainerState;
import dev.yoq.node.protocol.Limits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Container lifecycle latency (create + start + exit + remove of /bin/true on one busybox rootfs), interleaved
 * in one run: yoq through the helper socket (without and with a bridge address: the difference is what network
 * setup adds), yoq through the REST API (networked, as `yoq run` is by default), crun, runc, and every 10th round the
 * `yoq run` CLI and (when installed) `podman run --rootfs`. Run by bench/runtime.sh, which prepares the rootfs, the OCI bundle and a server.
 * Args: socket rootfs bundle apiPort token runs yoqLauncher
 */
public class Lifecycle {
    public static void main(String[] a) throws Exception {
        Path socket = Path.of(a[0]);
        String rootfs = a[1], bundle = a[2], port = a[3], token = a[4], yoq = a[6];
        int runs = Integer.parseInt(a[5]);
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        Map<String, List<Double>> starts = new LinkedHashMap<>();
        starts.put("plain", new ArrayList<>());
        starts.put("bridge", new ArrayList<>());
        for (String k : List.of("yoq helper socket", "yoq helper + bridge", "yoq REST API", "crun run", "runc run", "yoq run (CLI)", "podman run --rootfs")) ms.put(k, new ArrayList<>());
        boolean podman = new java.io.File("/usr/bin/podman").canExecute();
        HttpClient http = HttpClient.newHttpClient();
        try (NodeClient helper = NodeClient.connect(socket)) {
            for (int i = -5; i < runs; i++) {   // 5 warm-up rounds, not counted
                boolean count = i >= 0;
                record(ms, "yoq helper socket", count, () -> viaHelper(helper, rootfs, null, count ? starts.get("plain") : null));
                int host = 2 + Math.floorMod(i, 250);
                record(ms, "yoq helper + bridge", count, () -> viaHelper(helper, rootfs,
                        new ContainerSpec.Net("10.42.251." + host + "/16", "10.42.0.1", List.of()), count ? starts.get("bridge") : null));
                record(ms, "yoq REST API", count, () -> viaRest(http, port, token, rootfs));
                record(ms, "crun run", count, () -> exec("crun", "run", "--bundle", bundle, "b" + id()));
                record(ms, "runc run", count, () -> exec("runc", "run", "--bundle", bundle, "b" + id()));
                if (i % 10 == 0) record(ms, "yoq run (CLI)", count, () -> exec(yoq, "--server", "127.0.0.1:" + port, "run", rootfs, "/bin/true"));
                // podman as STACK-NOTES says it works on this host; --rootfs: the same directory, no image store
                if (i % 10 == 0 && podman) record(ms, "podman run --rootfs", count, () -> exec("podman", "--runtime", "runc",
                        "--cgroup-manager", "cgroupfs", "run", "--rm", "--network", "none", "--ulimit", "nofile=1024:1024",
                        "--ulimit", "nproc=4096:4096", "--rootfs", rootfs, "/bin/true"));
            }
        }
        double crun = median(ms.get("crun run"));
        System.out.printf("%-22s median %7.1f ms   (run answered: %.1f ms with a bridge address, %.1f ms without; target < 10 ms)%n",
                "network setup added", median(starts.get("bridge")) - median(starts.get("plain")), median(starts.get("bridge")), median(starts.get("plain")));
        System.out.printf("%-22s median %7.1f ms   (whole round: run, exit, remove incl. teardown)%n", "network round added",
                median(ms.get("yoq helper + bridge")) - median(ms.get("yoq helper socket")));
        for (var e : ms.entrySet()) {
            List<Double> xs = e.getValue();
            if (xs.isEmpty()) continue;
            System.out.printf("%-22s median %7.1f ms   p95 %7.1f ms   n=%-4d  %.2fx crun%n", e.getKey(), median(xs),
                    pct(xs, 0.95), xs.size(), median(xs) / crun);
        }
    }

    interface Step { void run() throws Exception; }

    static void record(Map<String, List<Double>> ms, String key, boolean count, Step step) throws Exception {
        long t0 = System.nanoTime();
        step.run();
        if (count) ms.get(key).add((System.nanoTime() - t0) / 1e6);
    }

    static String id() {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** One round through the helper; {@code starts} (when given) gets the time until `run` was answered. */
    static void viaHelper(NodeClient helper, String rootfs, ContainerSpec.Net net, List<Double> starts) throws Exception {
        String id = id();
        long t0 = System.nanoTime();
        helper.run(new ContainerSpec(id, null, List.of(rootfs), List.of("/bin/true"), List.of(), "bench", "/", null,
                Limits.DEFAULT, List.of(), true, false, net));
        if (starts != null) starts.add((System.nanoTime() - t0) / 1e6);
        ContainerState end = helper.await(id, 10_000);
        if (end.exitCode() == null || end.exitCode() != 0) throw new IllegalStateException("helper run failed: " + end);
        helper.remove(id);
    }

    static void viaRest(HttpClient http, String port, String token, String rootfs) throws Exception {
        String body = "{\"target\":\"" + rootfs + "\",\"command\":[\"/bin/true\"]}";
        String created = send(http, port, token, "POST", "/containers", body);
        String id = created.replaceAll("(?s).*\"id\":\"([0-9a-f]+)\".*", "$1");
        String end = send(http, port, token, "POST", "/containers/" + id + "/wait?timeout_ms=10000", "");
        if (!end.contains("\"exit_code\":0")) throw new IllegalStateException("REST run failed: " + end);
        send(http, port, token, "DELETE", "/containers/" + id, null);
    }

    static String send(HttpClient http, String port, String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        return r.body();
    }

    static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }

    static double median(List<Double> xs) { return pct(xs, 0.5); }

    static double pct(List<Double> xs, double p) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get((int) Math.min(s.size() - 1, Math.round(p * (s.size() - 1))));
    }
}
