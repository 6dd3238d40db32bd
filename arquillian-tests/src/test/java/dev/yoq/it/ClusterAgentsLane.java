package dev.yoq.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Agents that run real containers, for the cluster tests: {@code yoq join} on this host (it reaches the lab's
 * servers over the lab bridge) with the privileged lane's test server as its node's server, and an image in a
 * docker-registry on loopback that the test server pulls. Two such agents share the test server here, as two
 * agents could never share a node in use; each removes only what it started.
 */
final class ClusterAgentsLane implements AutoCloseable {
    final Path tmp;
    final Process helper;
    final LoopbackRegistry registry;
    final String image;
    final List<Process> agents = new ArrayList<>();

    private ClusterAgentsLane(Path tmp, Process helper, LoopbackRegistry registry, String image) {
        this.tmp = tmp;
        this.helper = helper;
        this.registry = registry;
        this.image = image;
    }

    /** The lane's helper, a registry on a free loopback port and a busybox image pushed to it by skopeo. */
    static ClusterAgentsLane start(Path tmp) throws Exception {
        Process helper = PrivilegedLane.start("ClusterServersIT", tmp);
        LoopbackRegistry registry = null;
        try {
            registry = LoopbackRegistry.start(tmp.resolve("registry"), "apps on agents");
            String image = "127.0.0.1:" + registry.port + "/it/agentbox:1";
            ContainersIT.sh(tmp.resolve("registry"), "umoci init --layout oci && umoci new --image oci:t && umoci unpack --image oci:t bundle"
                    + " && cp -a " + PrivilegedLane.rootfs(tmp) + "/. bundle/rootfs/ && umoci repack --image oci:t bundle"
                    + " && sleep 0.3 && skopeo copy --quiet --dest-tls-verify=false oci:oci:t docker://" + image);
            return new ClusterAgentsLane(tmp, helper, registry, image);
        } catch (Throwable t) {   // a skip or a failure before the test owns the lane: nothing is left running
            if (registry != null) registry.close();
            PrivilegedLane.stop("ClusterServersIT", helper);
            throw t;
        }
    }

    /**
     * {@code yoq join} on the host as agent {@code n} (its own data directory, the label {@code tier=lane} that the
     * lane's services require), running its work on the test server.
     */
    Process agent(int n, String serverIp, String joinToken) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("agent" + n));
        ProcessBuilder pb = new ProcessBuilder(YoqServer.REPO.resolve("bin/yoq").toString(), "join", serverIp, "--token", joinToken,
                "--local-server", CliIT.server(), "--labels", "tier=lane", "--gossip-port", "0")   // two agents on one host
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("agent" + n + ".log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("YOQ_DATA_DIR", data.toString());
        pb.environment().put("YOQ_LOCAL_TOKEN", YoqServer.token());
        pb.environment().put("YOQ_API_PLAIN_HTTP", "1");   // the lab's cluster servers speak plain HTTP (docs/security.md)
        Process p = pb.start();
        agents.add(p);
        return p;
    }

    /** The id agent {@code n} was given (its {@code yoq join} keeps it in its data directory). */
    String agentId(int n) throws Exception {
        Path file = tmp.resolve("agent" + n).resolve("cluster/agent_id");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(file) && System.nanoTime() < deadline) Thread.sleep(200);
        return Files.readString(file).strip();
    }

    /** A health check the lane's replicas pass once started: {@code /tmp/ready} exists. */
    static final String READY_CHECK = "test -f /tmp/ready";

    /**
     * {@code yoq up} against a cluster server: the lane's image, 4 replicas of {@code sleep <seconds>} that end on
     * SIGTERM (a PID 1 without a handler would wait out the stop's grace period), small limits, {@code GREETING} in
     * their environment, an exec health check running {@code check}, placed only on agents labelled tier=lane; and
     * two workers: {@code ok} prints its {@code GREETING} and exits 0, {@code bad} exits 3.
     */
    CliIT.Run tryUp(String server, String token, String app, String seconds, String check) throws Exception {
        Path manifest = Files.writeString(Files.createDirectories(tmp.resolve(app + "-" + seconds + "-" + check.hashCode()))
                .resolve("manifest.toml"), "app = \"" + app + "\"\n[service.web]\nimage = \"" + image + "\"\n"
                + "command = [\"sh\", \"-c\", \"trap 'exit 0' TERM; touch /tmp/ready; sleep " + seconds + " & wait\"]\nreplicas = 4\n"
                + "cpu = 100\nmemory_mb = 32\nenv = [\"GREETING=hello-" + seconds + "\"]\nrequired_labels = [\"tier=lane\"]\n"
                + "[service.web.rollout]\nparallelism = 2\n"   // rolled out two replicas at a time
                + "[service.web.health_check]\ntype = \"exec\"\ncommand = [\"sh\", \"-c\", \"" + check + "\"]\ninterval = 1\nretries = 2\n"
                + "[worker.ok]\nimage = \"" + image + "\"\ncommand = [\"sh\", \"-c\", \"echo migrated $GREETING\"]\n"
                + "env = [\"GREETING=hello-" + seconds + "\"]\nrequired_labels = [\"tier=lane\"]\n"
                + "[worker.bad]\nimage = \"" + image + "\"\ncommand = [\"sh\", \"-c\", \"exit 3\"]\nrequired_labels = [\"tier=lane\"]\n");
        return CliIT.yoq(java.util.Map.of("YOQ_API_PLAIN_HTTP", "1"), "--server", server, "--token", token, "up", "-f", manifest.toString());
    }

    /** {@code yoq up} of an app of one cron, {@code tick}, printing "tick" every {@code every}. */
    CliIT.Run upCron(String server, String token, String app, String every) throws Exception {
        Path manifest = Files.writeString(Files.createDirectories(tmp.resolve(app + "-cron")).resolve("manifest.toml"),
                "app = \"" + app + "\"\n[cron.tick]\nimage = \"" + image + "\"\ncommand = [\"echo\", \"tick\"]\nevery = \"" + every + "\"\n");
        return CliIT.yoq(java.util.Map.of("YOQ_API_PLAIN_HTTP", "1"), "--server", server, "--token", token, "up", "-f", manifest.toString());
    }

    CliIT.Run tryUp(String server, String token, String app, String seconds) throws Exception {
        return tryUp(server, token, app, seconds, READY_CHECK);
    }

    CliIT.Run up(String server, String token, String app, String seconds) throws Exception {
        CliIT.Run up = tryUp(server, token, app, seconds);
        assertThat(up.exit()).as(up.out() + up.err() + agentLog(1) + agentLog(2)).isZero();
        return up;
    }

    String agentLog(int n) throws Exception {
        Path log = tmp.resolve("agent" + n + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The test server's containers made for assignments ({@code a<12 hex>-...}), as name → status. */
    static java.util.Map<String, String> agentContainers() throws Exception {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (JsonNode c : YoqServer.json(YoqServer.get("/containers", YoqServer.token()))) {
            String name = c.path("name").asText("");
            if (name.matches("a[0-9a-f]{12}-.*")) out.put(name, c.path("status").asText());
        }
        return out;
    }

    /** Stops the test server's container {@code name} (as an operator on the node would). */
    static void stopContainer(String name) throws Exception {
        HttpResponse<String> r = YoqServer.send(HttpRequest.newBuilder(YoqServer.uri("/containers/" + idOf(name) + "/stop"))
                .POST(HttpRequest.BodyPublishers.noBody()), YoqServer.token());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    }

    /** What the test server's container {@code name} wrote to its log. */
    static String logsOf(String name) throws Exception {
        return YoqServer.json(YoqServer.get("/containers/" + idOf(name) + "/logs", YoqServer.token())).path("logs").asText();
    }

    private static String idOf(String name) throws Exception {
        for (JsonNode c : YoqServer.json(YoqServer.get("/containers", YoqServer.token()))) {
            if (name.equals(c.path("name").asText())) return c.path("id").asText();
        }
        throw new AssertionError("no container " + name);
    }

    /** What {@code command} prints in the test server's container {@code name}. */
    static String execIn(String name, String... command) throws Exception {
        String id = idOf(name);
        HttpResponse<String> r = YoqServer.send(HttpRequest.newBuilder(YoqServer.uri("/containers/" + id + "/exec"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        YoqServer.JSON.writeValueAsString(java.util.Map.of("command", List.of(command))))), YoqServer.token());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return YoqServer.JSON.readTree(r.body()).path("stdout").asText();
    }

    /** An agent's assignments as {@code token} (the API token, or that agent's own) reads them. */
    static JsonNode assignments(String serverAddress, String agentId, String token) throws Exception {
        HttpResponse<String> r = assignmentsReply(serverAddress, agentId, token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return YoqServer.JSON.readTree(r.body());
    }

    static HttpResponse<String> assignmentsReply(String serverAddress, String agentId, String token) throws Exception {
        return YoqServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://" + serverAddress + "/agents/" + agentId
                + "/assignments")).timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The token agent {@code n} was given at registration, as its {@code yoq join} keeps it (mode 0600). */
    String agentToken(int n) throws Exception {
        Path file = tmp.resolve("agent" + n).resolve("cluster/agent_token");
        assertThat(java.nio.file.Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        return Files.readString(file).strip();
    }

    @Override
    public void close() throws Exception {
        for (Process p : agents) p.destroyForcibly().waitFor();
        registry.close();
        PrivilegedLane.stop("ClusterServersIT", helper);   // removes every container of the test server, the agents' too
    }
}
