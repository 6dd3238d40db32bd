package dev.yoq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Containers through the REST API and the CLI, on the real server with a real node helper (privileged lane:
 * root and busybox-static; skipped loudly otherwise).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ContainersIT {
    static final Path SOCKET = Path.of("/tmp/yoq-it-7781/node.sock");
    @TempDir static Path tmp;
    static Path rootfs;
    static Process helper;

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return YoqServer.ear();
    }

    @BeforeAll
    static void startHelper() throws Exception {
        helper = PrivilegedLane.start("ContainersIT", tmp);
        rootfs = PrivilegedLane.rootfs(tmp);
    }

    /** Every container this class made goes, with its network namespace: nothing may outlive the test's data. */
    @AfterAll
    static void stopHelper() throws Exception {
        PrivilegedLane.stop("ContainersIT", helper);
    }

    static CliIT.Run yoq(String... args) throws Exception {
        return PrivilegedLane.yoq(args);
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return YoqServer.send(HttpRequest.newBuilder(YoqServer.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), YoqServer.token());
    }

    @Test
    void the_rest_api_runs_a_container_and_serves_its_logs() throws Exception {
        String name = "api-" + Long.toHexString(System.nanoTime());   // the test server's data outlives one run
        HttpResponse<String> created = post("/containers", "{\"target\":\"" + rootfs + "\",\"command\":[\"sh\",\"-c\","
                + "\"echo out; echo err >&2; exit 4\"],\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = YoqServer.json(created).path("id").asText();
        assertThat(id).matches("[0-9a-f]{12}");
        JsonNode end = YoqServer.json(post("/containers/" + id + "/wait?timeout_ms=10000", ""));
        assertThat(end.path("status").asText()).isEqualTo("failed");
        assertThat(end.path("exit_code").asInt()).isEqualTo(4);
        assertThat(end.path("hostname").asText()).isEqualTo(name);
        JsonNode logs = YoqServer.json(YoqServer.get("/containers/" + id + "/logs", YoqServer.token()));
        assertThat(logs.path("logs").asText()).isEqualTo("out\nerr\n");
        HttpResponse<String> stop = post("/containers/" + id + "/stop", "");
        assertThat(stop.statusCode()).isEqualTo(400);
        assertThat(YoqServer.json(stop).path("error").asText()).isEqualTo("container is not running");
        HttpResponse<String> removed = YoqServer.send(HttpRequest.newBuilder(YoqServer.uri("/containers/" + id)).DELETE(), YoqServer.token());
        assertThat(removed.body()).isEqualTo("{\"status\":\"removed\"}");
        assertThat(YoqServer.get("/containers/" + id, YoqServer.token()).statusCode()).isEqualTo(404);
    }

    @Test
    void bad_requests_name_the_field_and_change_nothing() throws Exception {
        long before = YoqServer.json(YoqServer.get("/containers", YoqServer.token())).size();
        HttpResponse<String> r = post("/containers", "{\"target\":\"" + rootfs + "\",\"command\":[\"true\"],"
                + "\"memory_bytes\":1024,\"cpu_weight\":0,\"name\":\"-bad-\",\"env\":[\"NOEQ\"]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(YoqServer.json(r).path("error").asText()).contains("memory: 1024 bytes is below the minimum of 4 MiB")
                .contains("cpu_weight: 0 is out of range").contains("name: -bad-").contains("env: NOEQ must be KEY=VALUE");
        assertThat(YoqServer.get("/containers/NOT-HEX", YoqServer.token()).statusCode()).isEqualTo(400);
        assertThat(YoqServer.json(YoqServer.get("/containers/NOT-HEX", YoqServer.token())).path("error").asText())
                .isEqualTo("invalid container id");
        assertThat(YoqServer.json(YoqServer.get("/containers", YoqServer.token())).size()).isEqualTo(before);
    }

    @Test
    void host_roots_the_helper_socket_and_the_data_directory_never_become_volumes_or_a_rootfs() throws Exception {
        long before = YoqServer.json(YoqServer.get("/containers", YoqServer.token())).size();
        for (String src : List.of("/", "/etc/..", "/run", "/usr", "/var", PrivilegedLane.SOCKET.getParent().toString(),
                YoqServer.DATA_DIR.toString())) {
            CliIT.Run run = yoq("run", "-v", src + ":/host:rw", rootfs.toString(), "true");
            assertThat(run.exit()).as(src + ": " + run.err()).isNotZero();
            assertThat(run.err()).as(src).contains("volume: source ").containsAnyOf("protected host path", "yoq's own");   // the CLI sends the canonical path
            HttpResponse<String> r = post("/containers", "{\"target\":\"" + src + "\",\"command\":[\"true\"]}");
            assertThat(r.statusCode()).as(src).isEqualTo(400);
            assertThat(YoqServer.json(r).path("error").asText()).as(src).startsWith("target: rootfs " + src);
        }
        assertThat(YoqServer.json(YoqServer.get("/containers", YoqServer.token())).size()).isEqualTo(before);
    }

    @Test
    void cap_add_and_cap_drop_change_the_kept_set_and_host_reaching_ones_are_refused() throws Exception {
        CliIT.Run added = yoq("run", "--cap-add", "NET_ADMIN", "--cap-drop", "NET_RAW", rootfs.toString(), "sh", "-c",
                "cat /proc/self/status");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out()).contains("CapEff:\t00000000000014e3");   // 0x24e3 + NET_ADMIN (bit 12) - NET_RAW (bit 13)
        CliIT.Run none = yoq("run", "--cap-drop", "ALL", rootfs.toString(), "sh", "-c", "cat /proc/self/status");
        assertThat(none.out()).contains("CapEff:\t0000000000000000");
        CliIT.Run admin = yoq("run", "--cap-add", "SYS_ADMIN", rootfs.toString(), "true");
        assertThat(admin.exit()).isNotZero();
        assertThat(admin.err()).contains("cap_add: SYS_ADMIN reaches the host kernel and is not allowed");
    }

    @Test
    void a_foreground_container_killed_for_memory_says_why_and_exits_137() throws Exception {
        CliIT.Run run = yoq("run", "--memory", "32m", rootfs.toString(), "sh", "-c", "x=aaaaaaaa; while true; do x=$x$x; done");
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(137);
        assertThat(run.err()).contains("killed: out of memory (limit 32 MiB)");
    }

    @Test
    void the_cli_runs_attached_with_the_exit_code_and_detached_with_the_id() throws Exception {
        CliIT.Run attached = yoq("run", rootfs.toString(), "sh", "-c", "echo hello from inside; exit 7");
        assertThat(attached.exit()).as(attached.err()).isEqualTo(7);
        assertThat(attached.out()).isEqualTo("hello from inside\n");

        String name = "cli-" + Long.toHexString(System.nanoTime());
        CliIT.Run detached = yoq("run", "-d", "--name", name, rootfs.toString(), "sleep", "60");
        assertThat(detached.exit()).as(detached.err()).isZero();
        String id = detached.out().strip();
        assertThat(id).matches("[0-9a-f]{12}");
        assertThat(yoq("ps").out()).contains(id).contains("running").contains(name);
        CliIT.Run exec = yoq("exec", name, "sh", "-c", "hostname; exit 3");
        assertThat(exec.exit()).isEqualTo(3);
        assertThat(exec.out()).isEqualTo(name + "\n");
        CliIT.Run rmRunning = yoq("rm", name);
        assertThat(rmRunning.exit()).isEqualTo(1);
        assertThat(rmRunning.err()).contains("cannot remove running container");
        assertThat(yoq("stop", name).out().strip()).isEqualTo(id);
        JsonNode ps = YoqServer.JSON.readTree(yoq("ps", "--json").out());
        assertThat(ps.findValues("id").stream().map(JsonNode::asText)).contains(id);
        assertThat(yoq("rm", name).exit()).isZero();
        assertThat(yoq("ps").out()).doesNotContain(id);
    }

    @Test
    void logs_follow_to_the_end_and_stats_show_usage_and_pressure() throws Exception {
        CliIT.Run run = yoq("run", "-d", "--memory", "64m", rootfs.toString(), "sh", "-c", "echo one; sleep 2; echo two");
        String id = run.out().strip();
        JsonNode stats = YoqServer.json(YoqServer.get("/containers/" + id + "/stats", YoqServer.token()));
        assertThat(stats.path("memory_bytes").asLong()).isPositive();
        assertThat(stats.path("pids").asLong()).isBetween(1L, 10L);
        assertThat(stats.has("memory_pressure")).as("PSI from the v2 directory on this hybrid host: " + stats).isTrue();
        CliIT.Run follow = yoq("logs", "-f", id);
        assertThat(follow.exit()).isZero();
        assertThat(follow.out()).isEqualTo("one\ntwo\n");
        assertThat(YoqServer.get("/containers/" + id + "/stats", YoqServer.token()).statusCode()).isEqualTo(400);
        yoq("rm", id);
    }

    /** Networking through the server: a lease per container, a published port from the host, both given back. */
    @Test
    void containers_get_bridge_addresses_publish_ports_and_give_both_back() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nft")), "nftables is needed");
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("index.html"), "page\n");
        String web = "web-" + Long.toHexString(System.nanoTime()), caller = "caller-" + Long.toHexString(System.nanoTime());
        CliIT.Run started = yoq("run", "-d", "--name", web, "-p", "18090:80", "-v", www + ":/www",
                rootfs.toString(), "httpd", "-f", "-p", "80", "-h", "/www");
        assertThat(started.exit()).as(started.err()).isZero();
        String id = started.out().strip();
        try {
            JsonNode record = YoqServer.json(YoqServer.get("/containers/" + id, YoqServer.token()));
            String ip = record.path("ip").asText();
            assertThat(ip).startsWith("10.243.");
            CliIT.Run clash = yoq("run", "-d", "-p", "18090:80", rootfs.toString(), "true");
            assertThat(clash.exit()).isEqualTo(1);
            assertThat(clash.err()).contains("host port 18090/tcp is already published by container web-");
            CliIT.Run byIp = yoq("run", rootfs.toString(), "wget", "-qO-", "http://" + ip + "/");
            assertThat(byIp.out()).as(byIp.err()).isEqualTo("page\n");
            CliIT.Run byName = yoq("run", rootfs.toString(), "wget", "-qO-", "http://" + web + "/");
            assertThat(byName.out()).as("the resolver on the gateway knows the name: " + byName.err()).isEqualTo("page\n");
            String metrics = YoqServer.get("/metrics", null).body();
            java.util.regex.Matcher local = java.util.regex.Pattern.compile("(?m)^yoq_dns_local_answers\\{[^}]*\\} ([0-9.]+)").matcher(metrics);
            assertThat(local.find()).as("the resolver's counters are metrics").isTrue();
            assertThat(Double.parseDouble(local.group(1))).isGreaterThanOrEqualTo(1);
            assertThat(metrics).containsPattern("(?m)^yoq_dns_queries\\{").containsPattern("(?m)^yoq_dns_cache_hits\\{");

            assertThat(yoq("policy", "deny", caller, web).out()).isEqualTo(caller + " -> " + web + ": deny\n");
            assertThat(yoq("policy", "list").out()).containsPattern(caller + " +" + web + " +deny");
            CliIT.Run denied = yoq("run", "--name", caller, rootfs.toString(), "sh", "-c", "timeout 3 wget -q -O- http://" + web + "/ || echo blocked");
            assertThat(denied.out()).as("the shell adds Terminated, before or after").contains("blocked\n").doesNotContain("page");
            yoq("rm", caller);
            assertThat(yoq("policy", "rm", caller, web).out()).isEqualTo(caller + " -> " + web + ": removed\n");
            CliIT.Run restored = yoq("run", "--name", caller, rootfs.toString(), "wget", "-qO-", "http://" + web + "/");
            assertThat(restored.out()).as(restored.err()).isEqualTo("page\n");
            yoq("rm", caller);
            assertThat(YoqServer.json(post("/v1/policies", "{\"source\":\"a\",\"target\":\"b\",\"action\":\"maybe\"}")).path("error").asText())
                    .isEqualTo("action must be 'deny' or 'allow'");
            assertThat(YoqServer.send(HttpRequest.newBuilder(YoqServer.uri("/v1/policies/nobody/none")).DELETE(), YoqServer.token()).statusCode())
                    .isEqualTo(404);
            HttpResponse<String> fromHost = java.net.http.HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:18090/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(fromHost.body()).isEqualTo("page\n");
            CliIT.Run isolated = yoq("run", "--no-net", rootfs.toString(), "ip", "-o", "link");
            assertThat(isolated.out()).contains("lo:").doesNotContain("eth0");
        } finally {
            yoq("stop", id);
            yoq("rm", id);
        }
        assertThat(ContainersIT.sh(tmp, "nft list table ip " + PrivilegedLane.NAMES.table())).doesNotContain("18090");
        assertThat(Files.exists(Path.of("/run/netns/yoq-" + id))).isFalse();
        for (JsonNode c : YoqServer.JSON.readTree(yoq("--json", "ps").out())) {
            if (!c.path("status").asText().equals("running")) yoq("rm", c.path("id").asText());
        }
    }

    /** 200 networked containers made and removed through the API: a new one then gets the lowest address again. */
    @Test
    void two_hundred_containers_leave_no_lease_behind() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nft")), "nftables is needed");
        String body = "{\"target\":\"" + rootfs + "\",\"command\":[\"true\"]}";
        String first = null;
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> created = post("/containers", body);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode c = YoqServer.json(created);
            if (first == null) first = c.path("ip").asText();
            assertThat(c.path("ip").asText()).as("each one gets the lowest free address: the last one's came back").isEqualTo(first);
            String id = c.path("id").asText();
            ids.add(id);
            post("/containers/" + id + "/wait?timeout_ms=10000", "");
            assertThat(YoqServer.send(HttpRequest.newBuilder(YoqServer.uri("/containers/" + id)).DELETE(), YoqServer.token()).statusCode())
                    .isEqualTo(200);
        }
        for (String id : ids) {   // only ours: the host's bridge may carry a developer's containers too
            assertThat(Files.exists(Path.of("/sys/class/net/veth_" + id.substring(0, 10)))).as("veth of " + id).isFalse();
            assertThat(Files.exists(Path.of("/run/netns/yoq-" + id))).as("namespace of " + id).isFalse();
        }
    }

    /** Images: a real registry (docker-registry), an image built by umoci and pushed by skopeo, pulled and run by yoq. */
    @Test
    void an_image_pushed_by_skopeo_is_pulled_and_run_with_its_config() throws Exception {
        Path reg = tmp.resolve("registry");
        LoopbackRegistry registry = LoopbackRegistry.start(reg, "image test");
        int port = registry.port;
        try {
            sh(reg, "umoci init --layout oci && umoci new --image oci:t && umoci unpack --image oci:t bundle"
                    + " && cp -a " + rootfs + "/. bundle/rootfs/ && umoci repack --image oci:t bundle"
                    + " && umoci config --image oci:t --config.cmd sh --config.cmd -c --config.cmd 'echo cwd=$(pwd) g=$GREETING'"
                    + " --config.env GREETING=hi --config.workingdir /tmp"
                    + " && sleep 0.3 && skopeo copy --quiet --dest-tls-verify=false oci:oci:t docker://127.0.0.1:" + port + "/it/box:1");
            OciLayouts.recompressZstd(reg.resolve("oci"), "t", "z");
            sh(reg, "skopeo copy --quiet --dest-tls-verify=false oci:oci:z docker://127.0.0.1:" + port + "/it/zbox:1");
            String image = "127.0.0.1:" + port + "/it/box:1";
            yoq("prune");   // the test server's data outlives one run: start from a clean store
            String digest = sh(reg, "skopeo inspect --tls-verify=false --format '{{.Digest}}' docker://" + image).strip();
            ProcessBuilder loginCommand = new ProcessBuilder(YoqServer.REPO.resolve("bin/yoq").toString(), "--server", CliIT.server(),
                    "login", "127.0.0.1:" + port, "-u", "someone", "--password-stdin").redirectErrorStream(true);
            loginCommand.environment().put("YOQ_HOME", YoqServer.DATA_DIR.toString());
            Process login = loginCommand.start();
            login.getOutputStream().write("any\n".getBytes());
            login.getOutputStream().close();
            assertThat(new String(login.getInputStream().readAllBytes())).isEqualTo("logged in to 127.0.0.1:" + port + "\n");
            assertThat(login.waitFor()).isZero();
            CliIT.Run pull = yoq("pull", image);
            assertThat(pull.exit()).as(pull.err()).isZero();
            assertThat(pull.out()).startsWith(image + " " + digest);
            assertThat(pull.err()).as("not a terminal: a plain progress line per blob")
                    .contains(digest.substring(7, 19) + ": downloaded ").containsPattern("(?m)^[0-9a-f]{12}: downloaded [0-9.]+ MB$");
            assertThat(yoq("tags", "127.0.0.1:" + port + "/it/box").out()).as("the registry's tag list").isEqualTo("1\n");
            CliIT.Run inspect = yoq("inspect", image);
            assertThat(inspect.out()).contains("platform:        linux/amd64").contains("workdir:         /tmp")
                    .contains("env:             [\"GREETING=hi\"]").containsPattern("created:         20[0-9-]+T");
            CliIT.Run zstd = yoq("run", "127.0.0.1:" + port + "/it/zbox:1");
            assertThat(zstd.out()).as("a zstd-compressed image pulls, unpacks and runs: " + zstd.err()).isEqualTo("cwd=/tmp g=hi\n");
            String zstdManifest = sh(reg, "skopeo inspect --raw --tls-verify=false docker://127.0.0.1:" + port + "/it/zbox:1");
            assertThat(zstdManifest).contains("tar+zstd");
            JsonNode images = YoqServer.JSON.readTree(yoq("--json", "images").out());
            assertThat(images.findValuesAsText("manifest_digest")).contains(digest);
            CliIT.Run push = yoq("push", image, "127.0.0.1:" + port + "/it/copy:2");
            assertThat(push.out()).as(push.err()).startsWith("pushed 127.0.0.1:" + port + "/it/copy:2 " + digest + " (0 uploaded, 2 mounted");   // config + one layer
            assertThat(sh(reg, "skopeo inspect --tls-verify=false --format '{{.Digest}}' docker://127.0.0.1:" + port + "/it/copy:2").strip())
                    .as("skopeo reads what yoq pushed").isEqualTo(digest);
            assertThat(yoq("rmi", "127.0.0.1:" + port + "/it/copy:2").exit()).isZero();
            CliIT.Run run = yoq("run", image);
            assertThat(run.out()).isEqualTo("cwd=/tmp g=hi\n");
            CliIT.Run override = yoq("run", "-e", "GREETING=yo", image, "sh", "-c", "echo $GREETING; exit 5");
            assertThat(override.exit()).isEqualTo(5);
            assertThat(override.out()).isEqualTo("yo\n");
            CliIT.Run inUse = yoq("rmi", image);
            assertThat(inUse.exit()).isEqualTo(1);
            assertThat(inUse.err()).contains("is used by 2 container(s)");
            for (JsonNode c : YoqServer.JSON.readTree(yoq("--json", "ps").out())) {
                if (c.path("command").asText().contains("GREETING") || c.path("command").asText().contains("cwd=")) yoq("rm", c.path("id").asText());
            }
            CliIT.Run rmi = yoq("rmi", image);
            assertThat(rmi.out()).as(rmi.err()).isEqualTo("untagged: 127.0.0.1:" + port + "/it/box:1\n");
            CliIT.Run keptForZstd = yoq("prune");
            assertThat(keptForZstd.out()).as("the config is shared with the zstd image: manifest and layer go")
                    .startsWith("pruned 2 blob(s), 1 layer(s), reclaimed ");
            assertThat(yoq("rmi", "127.0.0.1:" + port + "/it/zbox:1").exit()).isZero();
            CliIT.Run prune = yoq("prune");
            assertThat(prune.out()).as(prune.err()).startsWith("pruned 3 blob(s), 1 layer(s), reclaimed ");
            assertThat(yoq("prune").out()).isEqualTo("nothing to prune\n");
            assertThat(yoq("run", "127.0.0.1:" + port + "/it/none:1", "true").err()).contains("not found");
        } finally {
            registry.close();
        }
    }

    static String sh(Path cwd, String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void userns_runs_container_root_as_an_unprivileged_host_uid() throws Exception {
        CliIT.Run run = yoq("run", "--userns", rootfs.toString(), "sh", "-c", "cat /proc/self/uid_map");
        assertThat(run.exit()).as(run.err()).isZero();
        String[] map = run.out().trim().split("\\s+");
        assertThat(map[0]).isEqualTo("0");
        assertThat(Long.parseLong(map[1])).isGreaterThanOrEqualTo(1L << 20);
        assertThat(map[2]).isEqualTo("65536");
    }

    @Test
    void on_failure_restarts_with_backoff_until_stopped() throws Exception {
        CliIT.Run run = yoq("run", "-d", "--restart", "on-failure", rootfs.toString(), "sh", "-c", "echo attempt; exit 1");
        String id = run.out().strip();
        JsonNode c = null;
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            c = YoqServer.json(YoqServer.get("/containers/" + id, YoqServer.token()));
            if (c.path("restart_count").asInt() >= 2) break;
            Thread.sleep(200);
        }
        assertThat(c.path("restart_count").asInt()).as(c.toString()).isGreaterThanOrEqualTo(2);
        assertThat(yoq("logs", id).out()).contains("attempt\nattempt\n");
        assertThat(yoq("stop", id).exit()).isZero();
        int count = YoqServer.json(YoqServer.get("/containers/" + id, YoqServer.token())).path("restart_count").asInt();
        Thread.sleep(5_000);   // past the next backoff (at most 4 s at this point)
        JsonNode after = YoqServer.json(YoqServer.get("/containers/" + id, YoqServer.token()));
        assertThat(after.path("restart_count").asInt()).isLessThanOrEqualTo(count + 1);
        assertThat(after.path("status").asText()).isNotEqualTo("running");
        yoq("rm", id);
    }
}
