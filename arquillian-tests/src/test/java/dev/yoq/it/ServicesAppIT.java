package dev.yoq.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services end to end (privileged lane, the eBPF dataplane): replicas behind a VIP and a published port, a killed
 * replica, scaling, and rolling, canary and blue/green updates under a steady client that must see no failure.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ServicesAppIT {
    static final String R = Long.toHexString(System.nanoTime() & 0xffff);
    @TempDir static Path tmp;
    static Path rootfs;
    static Process helper;

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return YoqServer.ear();
    }

    @BeforeAll
    static void startHelper() throws Exception {
        helper = PrivilegedLane.start("ServicesAppIT", tmp);
        rootfs = PrivilegedLane.rootfs(tmp);
        // the test server's data outlives a run: an app an interrupted run left holding this class's ports goes
        for (JsonNode s : YoqServer.json(YoqServer.get("/v1/services", YoqServer.token()))) {
            for (JsonNode p : s.path("ports")) {
                if (p.path("host_port").asInt() >= 18301 && p.path("host_port").asInt() <= 18305) PrivilegedLane.yoq("down", "--app", s.path("app").asText());
            }
        }
    }

    /** The apps this run made: taken down at the end whatever happened, so their VIPs and host ports go back. */
    static final java.util.Set<String> APPS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @AfterAll
    static void stopHelper() throws Exception {
        if (helper != null) for (String app : APPS) PrivilegedLane.yoq("down", "--app", app);
        PrivilegedLane.stop("ServicesAppIT", helper);
    }

    /** A web service of {@code replicas} answering "<hostname> <version>", health-checked, published on {@code port}. */
    static Path manifest(String app, int replicas, String version, int port, String rollout) throws Exception {
        APPS.add(app);
        String toml = "app = \"" + app + "\"\n[service.web]\nimage = \"" + rootfs + "\"\nreplicas = " + replicas + "\n"
                + "command = [\"sh\", \"-c\", \"mkdir -p /tmp/w && echo $(hostname) " + version
                + " > /tmp/w/index.html && trap 'exit 0' TERM; httpd -f -p 80 -h /tmp/w & wait\"]\n"
                + "ports = [\"" + port + ":80\"]\n"
                + "[service.web.health_check]\ntype = \"http\"\npath = \"/\"\nport = 80\ninterval = 2\ntimeout = 1\nretries = 2\n"
                + "[service.web.rollout]\n" + rollout + "\n";
        Path dir = Files.createDirectories(tmp.resolve(app + "-" + System.nanoTime()));
        return Files.writeString(dir.resolve("manifest.toml"), toml);
    }

    static CliIT.Run up(Path manifest) throws Exception {
        CliIT.Run up = PrivilegedLane.yoq("up", "-f", manifest.toString());
        assertThat(up.exit()).as(up.out() + up.err()).isZero();
        return up;
    }

    static List<JsonNode> replicas(String app) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : YoqServer.json(YoqServer.get("/containers", YoqServer.token()))) {
            if (c.path("name").asText().startsWith(app + "-web-") && c.path("status").asText().equals("running")) out.add(c);
        }
        return out;
    }

    static JsonNode service(String app) throws Exception {
        return YoqServer.json(YoqServer.get("/v1/services/" + app + "-web", YoqServer.token()));
    }

    /** Runs a shell loop in a client container of the lane and returns its output lines. */
    static List<String> fromClient(String script) throws Exception {
        CliIT.Run run = PrivilegedLane.yoq("run", rootfs.toString(), "sh", "-c", script);
        return run.out().lines().map(String::strip).toList();
    }

    static Map<String, Integer> count(List<String> lines) {
        Map<String, Integer> seen = new TreeMap<>();
        for (String l : lines) if (l.startsWith("web-") || l.equals("FAIL")) seen.merge(l.split(" ")[0], 1, Integer::sum);
        return seen;
    }

    @Test
    void three_replicas_share_a_vip_a_killed_one_leaves_it_and_scaling_touches_only_the_difference() throws Exception {
        String app = "svc" + R;
        up(manifest(app, 3, "v1", 18301, "strategy = \"rolling\""));
        JsonNode svc = service(app);
        String vip = svc.path("vip_address").asText();
        assertThat(vip).startsWith("10.253.");
        assertThat(svc.path("endpoints")).hasSize(3);
        svc.path("endpoints").forEach(e -> assertThat(e.path("eligible").asBoolean()).as(e.toString()).isTrue());

        List<String> lines = fromClient("nslookup web." + app + "; for i in $(seq 1 300); do timeout 5 wget -qO- http://web." + app + "/ || echo FAIL; done");
        assertThat(lines).contains("Address: " + vip);
        Map<String, Integer> seen = count(lines);
        assertThat(seen).as(seen.toString()).doesNotContainKey("FAIL").containsOnlyKeys("web-1", "web-2", "web-3");
        seen.values().forEach(n -> assertThat(n).as("no replica under 20 %%: %s", seen).isGreaterThanOrEqualTo(60));

        JsonNode victim = replicas(app).get(0);
        PrivilegedLane.yoq("exec", victim.path("id").asText(), "kill", "-9", "-1");   // the replica's processes die
        Thread.sleep(1000);
        Map<String, Integer> after = count(fromClient("for i in $(seq 1 60); do timeout 5 wget -qO- http://" + vip + "/ || echo FAIL; done"));
        assertThat(after).as("no failed request once it left the map").doesNotContainKey("FAIL");

        List<String> before = replicas(app).stream().map(c -> c.path("id").asText()).toList();
        up(manifest(app, 5, "v1", 18301, "strategy = \"rolling\""));
        List<String> five = replicas(app).stream().map(c -> c.path("id").asText()).toList();
        assertThat(five).hasSize(5).containsAll(before);
        up(manifest(app, 2, "v1", 18301, "strategy = \"rolling\""));
        List<String> two = replicas(app).stream().map(c -> c.path("id").asText()).toList();
        assertThat(two).hasSize(2);
        assertThat(five).containsAll(two);
        JsonNode status = YoqServer.json(YoqServer.get("/v1/status", YoqServer.token()));
        JsonNode row = null;
        for (JsonNode r : status) if (r.path("app").asText().equals(app)) row = r;
        assertThat(row.path("running").asInt()).isEqualTo(2);
        assertThat(row.path("desired").asInt()).isEqualTo(2);

        String removed = two.get(0);
        var delete = YoqServer.send(java.net.http.HttpRequest.newBuilder(YoqServer.uri("/v1/services/" + app + "-web/endpoints/" + removed)).DELETE(),
                YoqServer.token());
        assertThat(YoqServer.json(delete).path("status").asText()).isEqualTo("removed");
        assertThat(replicas(app)).hasSize(1);
        var reconcile = YoqServer.send(java.net.http.HttpRequest.newBuilder(YoqServer.uri("/v1/services/" + app + "-web/reconcile"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()), YoqServer.token());
        assertThat(YoqServer.json(reconcile).path("status").asText()).isEqualTo("queued");
        long deadline = System.currentTimeMillis() + 20_000;
        while (replicas(app).size() < 2 && System.currentTimeMillis() < deadline) Thread.sleep(200);
        assertThat(replicas(app)).as("reconcile brought the count back").hasSize(2).noneMatch(c -> c.path("id").asText().equals(removed));
        CliIT.Run down = PrivilegedLane.yoq("down", "--app", app);
        assertThat(down.exit()).as("yoq down (it stops a reconcile still holding the app): %s", down).isZero();
        assertThat(YoqServer.get("/v1/services/" + app + "-web", YoqServer.token()).statusCode()).as("the VIP went with the service").isEqualTo(404);
    }

    /** 50 requests per second to a host port, each on a new connection; counts answers by version and failures. */
    static final class SteadyClient implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger ok = new AtomicInteger(), failed = new AtomicInteger();
        final Map<String, Integer> versions = new java.util.concurrent.ConcurrentHashMap<>();
        final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        final Thread thread;

        SteadyClient(int port) {
            thread = new Thread(() -> {
                long next = System.nanoTime();
                for (int i = 0; running.get() && i < 50 * 300; i++) {   // at most 5 minutes
                    next += 20_000_000L;
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                        s.setSoTimeout(3000);
                        OutputStream out = s.getOutputStream();
                        out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        InputStream in = s.getInputStream();
                        String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                        if (!reply.startsWith("HTTP/1.0 200") && !reply.startsWith("HTTP/1.1 200")) throw new java.io.IOException(reply.lines().findFirst().orElse("empty"));
                        String body = reply.substring(reply.indexOf("\r\n\r\n") + 4).strip();
                        versions.merge(body.substring(body.indexOf(' ') + 1), 1, Integer::sum);
                        ok.incrementAndGet();
                    } catch (java.io.IOException e) {
                        failed.incrementAndGet();
                        errors.add(e.toString());
                    }
                    long wait = next - System.nanoTime();
                    if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }, "steady-client");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }

    void updateWithoutDowntime(String app, int port, String rollout) throws Exception {
        up(manifest(app, 3, "v1", port, rollout));
        try (SteadyClient client = new SteadyClient(port)) {
            Thread.sleep(1000);
            CliIT.Run up = up(manifest(app, 3, "v2", port, rollout));
            assertThat(up.out()).contains("completed");
            Thread.sleep(1000);
            client.close();
            assertThat(client.failed.get()).as(rollout + ": " + client.errors.stream().limit(5).toList()).isZero();
            assertThat(client.ok.get()).isGreaterThan(100);
            assertThat(client.versions).containsKeys("v1", "v2");
        }
        assertThat(replicas(app)).hasSize(3).allSatisfy(c -> assertThat(c.path("name").asText()).startsWith(app + "-web-"));
        assertThat(count(fromClient("for i in $(seq 1 30); do timeout 5 wget -qO- http://web." + app + "/ || echo FAIL; done")))
                .doesNotContainKey("FAIL");
        CliIT.Run down = PrivilegedLane.yoq("down", "--app", app);
        assertThat(down.exit()).as("yoq down (it stops a reconcile still holding the app): %s", down).isZero();
    }

    @Test
    void a_rolling_update_under_load_fails_no_request() throws Exception {
        updateWithoutDowntime("roll" + R, 18302, "strategy = \"rolling\"");
    }

    @Test
    void a_canary_update_under_load_fails_no_request() throws Exception {
        updateWithoutDowntime("can" + R, 18303, "strategy = \"canary\"");
    }

    @Test
    void a_blue_green_update_under_load_fails_no_request() throws Exception {
        updateWithoutDowntime("bg" + R, 18304, "strategy = \"blue_green\"");
    }

    @Test
    void a_canary_that_never_turns_healthy_rolls_back_with_traffic_never_leaving_the_old_set() throws Exception {
        String app = "bad" + R;
        up(manifest(app, 3, "v1", 18305, "strategy = \"canary\"\nhealth_check_timeout = \"4s\""));
        List<String> before = replicas(app).stream().map(c -> c.path("id").asText()).sorted().toList();
        Path broken = Files.writeString(tmp.resolve("broken-" + R + ".toml"), Files.readString(manifest(app, 3, "v1", 18305,
                "strategy = \"canary\"\nhealth_check_timeout = \"4s\"")).replace("path = \"/\"", "path = \"/missing\""));
        try (SteadyClient client = new SteadyClient(18305)) {
            CliIT.Run up = PrivilegedLane.yoq("up", "-f", broken.toString());
            assertThat(up.exit()).isNotZero();
            client.close();
            assertThat(client.failed.get()).as(client.errors.stream().limit(5).toList().toString()).isZero();
            assertThat(client.versions).containsOnlyKeys("v1");
        }
        assertThat(replicas(app).stream().map(c -> c.path("id").asText()).sorted().toList()).as("the old set untouched").isEqualTo(before);
        CliIT.Run down = PrivilegedLane.yoq("down", "--app", app);
        assertThat(down.exit()).as("yoq down (it stops a reconcile still holding the app): %s", down).isZero();
    }
}
