package dev.yoq.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * Apps end to end (privileged lane): manifests deployed with `yoq up` on the real server and helper, real
 * containers, real health probes; rollouts that fail, pause, resume, cancel and roll back.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AppsIT {
    /** A service that stops at once on SIGTERM (a shell as PID 1 ignores it unless it traps it). */
    /** The test server's data outlives a run: each run's apps get their own names. */
    static final String R = Long.toHexString(System.nanoTime() & 0xffff);
    static final String KEEP_RUNNING = "trap 'exit 0' TERM; sleep 1000 & wait";
    @TempDir static Path tmp;
    static Path rootfs;
    static Process helper;

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return YoqServer.ear();
    }

    @BeforeAll
    static void startHelper() throws Exception {
        helper = PrivilegedLane.start("AppsIT", tmp);
        rootfs = PrivilegedLane.rootfs(tmp);
    }

    @AfterAll
    static void stopHelper() throws Exception {
        PrivilegedLane.stop("AppsIT", helper);
    }

    static Path manifest(String app, String toml) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(app + "-" + System.nanoTime()));
        return Files.writeString(dir.resolve("manifest.toml"), "app = \"" + app + "\"\n" + toml.replace("ROOTFS", rootfs.toString()));
    }

    static String service(String name, String command, String extra) {
        return "[service." + name + "]\nimage = \"ROOTFS\"\ncommand = [\"sh\", \"-c\", \"" + command.replace("\"", "\\\"") + "\"]\n" + extra + "\n";
    }

    static JsonNode status(String app) throws Exception {
        return YoqServer.json(YoqServer.get("/apps/" + app + "/status", YoqServer.token()));
    }

    static List<JsonNode> containers(String app) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : YoqServer.json(YoqServer.get("/containers", YoqServer.token()))) {
            if (c.path("name").asText().startsWith(app + "-")) out.add(c);
        }
        return out;
    }

    static String state(JsonNode view, String target) {
        for (JsonNode t : view.path("rollout_targets")) if (t.path("workload_name").asText().equals(target)) return t.path("state").asText();
        return null;
    }

    @Test
    void the_demo_comes_up_in_order_serves_runs_its_worker_and_cron_and_an_unchanged_apply_restarts_nothing() throws Exception {
        Path m = manifest("demoit" + R, service("backend", "mkdir -p /srv && echo greetings > /srv/greeting && trap 'exit 0' TERM; "
                        + "httpd -f -p 8081 -h /srv & wait", "[service.backend.health_check]\ntype = \"http\"\npath = \"/greeting\"\n"
                        + "port = 8081\ninterval = 2\ntimeout = 1\n")
                + service("web", "wget -qO- http://backend:8081/greeting > /www/backend.txt; trap 'exit 0' TERM; httpd -f -p 80 -h /www & wait",
                        "ports = [\"18094:80\"]\ndepends_on = [\"backend\"]")
                + "[worker.seed]\nimage = \"ROOTFS\"\ncommand = [\"sh\", \"-c\", \"wget -qO- http://backend:8081/greeting; exit 3\"]\n"
                + "[cron.tick]\nimage = \"ROOTFS\"\nevery = \"1s\"\ncommand = [\"sh\", \"-c\", \"date\"]\n");
        CliIT.Run dry = PrivilegedLane.yoq("up", "--dry-run", "-f", m.toString());
        assertThat(dry.out()).as(dry.err()).startsWith("dry run for app demoit" + R + "\ncurrent release: none\nproposed manifest: sha256:")
                .endsWith("changes: 4 create, 0 update, 0 delete, 0 unchanged\n+ service backend\n+ service web\n+ worker seed\n+ cron tick\n");
        assertThat(containers("demoit" + R)).as("a dry run changes nothing").isEmpty();
        CliIT.Run up = PrivilegedLane.yoq("up", "-f", m.toString());
        assertThat(up.exit()).as(up.out() + up.err()).isZero();
        assertThat(up.out()).contains("completed: apply completed (2 placed, 0 failed, 2 services)");
        assertThat(up.err()).contains("service backend: ready", "service web: ready");
        assertThat(YoqServer.HTTP.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:18094/")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("hello from the front end\n");
        assertThat(YoqServer.HTTP.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:18094/backend.txt")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).as("web started once backend answered (health-gated)").isEqualTo("greetings\n");

        CliIT.Run worker = PrivilegedLane.yoq("run-worker", "--app", "demoit" + R, "seed");
        assertThat(worker.exit()).as(worker.err()).isEqualTo(3);
        assertThat(worker.out()).as("the worker found the backend by name").isEqualTo("greetings\n");

        JsonNode before = status("demoit" + R);
        List<String> ids = containers("demoit" + R).stream().filter(c -> c.path("status").asText().equals("running"))
                .map(c -> c.path("id").asText()).sorted().toList();
        CliIT.Run again = PrivilegedLane.yoq("--json", "up", "-f", m.toString());
        JsonNode r = YoqServer.JSON.readTree(again.out());
        assertThat(r.path("status").asText()).isEqualTo("completed");
        assertThat(r.path("release_id").asText()).isNotEqualTo(before.path("release_id").asText());
        assertThat(containers("demoit" + R).stream().filter(c -> c.path("name").asText().matches("demoit" + R + "-(web|backend)-1-[0-9a-f]{6}"))
                .map(c -> c.path("id").asText()).sorted().toList()).as("nothing restarted").isSubsetOf(ids).hasSize(2);

        long deadline = System.currentTimeMillis() + 15_000;
        long cronRuns = 0;
        while (cronRuns < 3 && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            cronRuns = 0;
            for (JsonNode run : YoqServer.json(YoqServer.get("/apps/demoit" + R + "/runs", YoqServer.token()))) {
                if (run.path("kind").asText().equals("cron") && run.path("outcome").asText().equals("succeeded")) cronRuns++;
            }
        }
        assertThat(cronRuns).as("cron runs every second").isGreaterThanOrEqualTo(3);
        CliIT.Run down = PrivilegedLane.yoq("down", "--app", "demoit" + R);
        assertThat(down.exit()).as(down.err()).isZero();
        assertThat(containers("demoit" + R)).isEmpty();
        JsonNode listed = null;
        for (JsonNode a : YoqServer.JSON.readTree(PrivilegedLane.yoq("--json", "apps").out())) {
            if (a.path("app_name").asText().equals("demoit" + R)) listed = a;
        }
        assertThat(listed).as("the downed app in yoq apps").isNotNull();
        assertThat(listed.path("status").asText()).isEqualTo("down");
        assertThat(listed.path("release_status").asText()).isEqualTo("completed");
    }

    @Test
    void a_failing_health_check_in_batch_two_rolls_back_batch_one() throws Exception {
        String v1 = service("a", "echo v1; " + KEEP_RUNNING, "") + service("b", "echo v1; " + KEEP_RUNNING, "");
        JsonNode first = YoqServer.JSON.readTree(PrivilegedLane.yoq("--json", "up", "-f", manifest("rbit" + R, v1).toString()).out());
        assertThat(first.path("status").asText()).isEqualTo("completed");
        String v2 = service("a", "echo v2; " + KEEP_RUNNING, "") + service("b", "echo v2; " + KEEP_RUNNING,
                "[service.b.health_check]\ntype = \"tcp\"\nport = 9\ninterval = 1\ntimeout = 1\nretries = 1\n");
        CliIT.Run up = PrivilegedLane.yoq("--json", "up", "-f", manifest("rbit" + R, v2).toString());
        assertThat(up.exit()).isEqualTo(1);
        JsonNode r = YoqServer.JSON.readTree(up.out());
        assertThat(r.path("status").asText()).isEqualTo("rolled_back");
        assertThat(r.path("rollout_state").asText()).isEqualTo("rolled_back");
        assertThat(state(r, "a")).isEqualTo("rolled_back");
        assertThat(state(r, "b")).isEqualTo("failed");
        assertThat(r.path("failure_details").get(0).path("reason").asText()).isEqualTo("readiness_failed");
        for (JsonNode c : containers("rbit" + R)) {
            assertThat(c.path("command").asText()).as("back on the first release's config").contains("echo v1");
            assertThat(c.path("status").asText()).isEqualTo("running");
        }
        assertThat(containers("rbit" + R)).hasSize(2);
        PrivilegedLane.yoq("down", "--app", "rbit" + R);
    }

    @Test
    void pause_then_resume_finishes_the_same_release_a_second_apply_meanwhile_is_409_and_cancel_stops_one() throws Exception {
        String toml = service("a", KEEP_RUNNING, "[service.a.rollout]\ndelay_between_batches = \"2s\"\n")
                + service("b", KEEP_RUNNING, "") + service("c", KEEP_RUNNING, "");
        Path m = manifest("pauseit" + R, toml);
        CompletableFuture<CliIT.Run> up = CompletableFuture.supplyAsync(() -> run("--json", "up", "-f", m.toString()));
        waitFor(() -> containers("pauseit" + R).size() == 1);
        assertThat(PrivilegedLane.yoq("up", "-f", m.toString()).err()).contains("409: apply already in progress");
        CliIT.Run pause = PrivilegedLane.yoq("rollout", "pause", "--app", "pauseit" + R);
        assertThat(pause.out()).as(pause.err()).contains("rollout paused");
        JsonNode blocked = YoqServer.JSON.readTree(up.get().out());
        String release = blocked.path("release_id").asText();
        assertThat(blocked.path("status").asText()).isEqualTo("in_progress");
        assertThat(blocked.path("rollout_state").asText()).isEqualTo("blocked");
        assertThat(PrivilegedLane.yoq("rollout", "resume", "--app", "pauseit" + R).exit()).isZero();
        waitFor(() -> status("pauseit" + R).path("status").asText().equals("completed"));
        assertThat(status("pauseit" + R).path("release_id").asText()).as("the same release went on").isEqualTo(release);
        assertThat(containers("pauseit" + R)).hasSize(3);

        PrivilegedLane.yoq("down", "--app", "pauseit" + R);
        CompletableFuture<CliIT.Run> second = CompletableFuture.supplyAsync(() -> run("--json", "up", "-f", m.toString()));
        waitFor(() -> containers("pauseit" + R).size() == 1);
        assertThat(PrivilegedLane.yoq("rollout", "cancel", "--app", "pauseit" + R).exit()).isZero();
        JsonNode canceled = YoqServer.JSON.readTree(second.get().out());
        assertThat(canceled.path("message").asText()).isEqualTo("rollout canceled by operator");
        assertThat(canceled.path("status").asText()).isEqualTo("partially_failed");
        assertThat(state(canceled, "c")).isEqualTo("failed");
        PrivilegedLane.yoq("down", "--app", "pauseit" + R);
    }

    @Test
    void an_unhealthy_service_pauses_its_rollout_and_gets_no_dns_answer_until_healthy_then_resume_finishes() throws Exception {
        String app = "gateit" + R;
        String toml = service("db", KEEP_RUNNING, "[service.db.health_check]\ntype = \"exec\"\ncommand = [\"cat\", \"/tmp/ok\"]\n"
                + "interval = 1\nretries = 1\n[service.db.rollout]\nfailure_action = \"pause\"\nhealth_check_timeout = \"3s\"\n")
                + service("api", KEEP_RUNNING, "depends_on = [\"db\"]");
        CliIT.Run up = PrivilegedLane.yoq("--json", "up", "-f", manifest(app, toml).toString());
        JsonNode r = YoqServer.JSON.readTree(up.out());
        assertThat(r.path("status").asText()).as(up.out()).isEqualTo("partially_failed");
        assertThat(r.path("rollout_state").asText()).isEqualTo("blocked");
        assertThat(r.path("rollout_control_state").asText()).isEqualTo("paused");
        assertThat(state(r, "db")).isEqualTo("failed");
        assertThat(state(r, "api")).isEqualTo("blocked");
        assertThat(PrivilegedLane.yoq("apps", "--failed").out()).contains(app);
        assertThat(PrivilegedLane.yoq("apps", "--in-progress").out()).doesNotContain(app);
        assertThat(PrivilegedLane.yoq("status", "--app", app).out()).containsPattern(app + " +" + r.path("release_id").asText()
                + " +partially_failed +blocked +paused +apply");
        CliIT.Run lookup = PrivilegedLane.yoq("run", "--name", "look" + R, rootfs.toString(), "nslookup", "db." + app, PrivilegedLane.NAMES.gateway());
        assertThat(lookup.exit()).as("no answer for an unhealthy service: " + lookup.out()).isNotZero();
        PrivilegedLane.yoq("rm", "look" + R);

        String db = containers(app).stream().filter(c -> c.path("name").asText().startsWith(app + "-db-")).findFirst().orElseThrow().path("id").asText();
        assertThat(PrivilegedLane.yoq("exec", db, "touch", "/tmp/ok").exit()).isZero();
        waitFor(() -> {
            CliIT.Run again = PrivilegedLane.yoq("run", "--name", "look2" + R, rootfs.toString(), "nslookup", "db." + app, PrivilegedLane.NAMES.gateway());
            PrivilegedLane.yoq("rm", "look2" + R);
            return again.exit() == 0;
        });
        assertThat(PrivilegedLane.yoq("rollout", "resume", "--app", app).exit()).isZero();
        waitFor(() -> status(app).path("status").asText().equals("completed"));
        JsonNode done = status(app);
        assertThat(done.path("release_id").asText()).isEqualTo(r.path("release_id").asText());
        assertThat(state(done, "api")).isEqualTo("ready");
        assertThat(containers(app)).hasSize(2);
        PrivilegedLane.yoq("down", "--app", app);
    }

    @Test
    void up_dev_follows_the_logs_restarts_a_service_when_its_sources_change_and_takes_the_app_down_on_exit() throws Exception {
        String app = "devit" + R;
        Path src = Files.createDirectories(tmp.resolve("dev-src-" + R));
        Files.writeString(src.resolve("msg"), "version one\n");
        Path m = manifest(app, service("site", "cat /src/msg; trap 'exit 0' TERM; sleep 1000 & wait", "volumes = [\"" + src + ":/src:ro\"]"));
        Path out = tmp.resolve("dev-out-" + R);
        ProcessBuilder pb = new ProcessBuilder(YoqServer.REPO.resolve("bin/yoq").toString(), "--server", CliIT.server(), "up", "--dev",
                "-f", m.toString()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().remove("YOQ_TOKEN");
        pb.environment().put("YOQ_HOME", YoqServer.DATA_DIR.toString());
        Process dev = pb.start();
        try {
            waitFor(() -> Files.readString(out).contains("site        | version one"));
            Files.writeString(src.resolve("msg"), "version two\n");
            waitFor(() -> Files.readString(out).contains("site        | version two"));
            assertThat(Files.readString(out)).contains("site        | sources changed: restarting");
            assertThat(containers(app).get(0).path("restart_count").asInt()).isEqualTo(1);
        } finally {
            dev.destroy();   // SIGTERM, as ctrl-c: the app goes down
            dev.waitFor();
        }
        assertThat(containers(app)).as(Files.readString(out)).isEmpty();
    }

    @Test
    void volume_data_survives_down_and_a_new_release_and_an_nfs_volume_without_a_client_is_a_clear_error() throws Exception {
        String app = "volit" + R;
        Path host = Files.createDirectories(tmp.resolve("host-vol-" + R));
        String v1 = service("w", "echo run >> /data/log; echo run >> /shared/log; " + KEEP_RUNNING, "volumes = [\"data:/data\", \"shared:/shared\"]")
                + "[volume.data]\ndriver = \"local\"\n[volume.shared]\ndriver = \"host\"\npath = \"" + host + "\"\n";
        assertThat(PrivilegedLane.yoq("up", "-f", manifest(app, v1).toString()).exit()).isZero();
        assertThat(PrivilegedLane.yoq("down", "--app", app).exit()).isZero();
        assertThat(PrivilegedLane.yoq("up", "-f", manifest(app, v1).toString()).exit()).isZero();
        assertThat(PrivilegedLane.yoq("up", "-f", manifest(app, v1.replace("echo run >> /data/log;", "echo run >> /data/log; true;")).toString()).exit())
                .isZero();
        String id = containers(app).get(0).path("id").asText();
        assertThat(PrivilegedLane.yoq("exec", id, "cat", "/data/log").out()).as("three runs, one volume").isEqualTo("run\nrun\nrun\n");
        assertThat(Files.readString(host.resolve("log"))).isEqualTo("run\nrun\nrun\n");
        PrivilegedLane.yoq("down", "--app", app);

        String nfs = service("w", KEEP_RUNNING, "volumes = [\"share:/share\"]")
                + "[volume.share]\ndriver = \"nfs\"\nserver = \"127.0.0.1\"\npath = \"/exports/none\"\n";
        CliIT.Run up = PrivilegedLane.yoq("--json", "up", "-f", manifest(app, nfs).toString());
        JsonNode r = YoqServer.JSON.readTree(up.out());
        assertThat(r.path("status").asText()).isEqualTo("failed");
        assertThat(r.path("message").asText()).startsWith("volume share: ").matches(
                "(?s).*(this node has no NFS client .* apt-get install nfs-common|mount 127.0.0.1:/exports/none failed.*)");
        assertThat(containers(app)).isEmpty();
    }

    @Test
    void a_service_that_stays_unhealthy_is_restarted_by_its_restart_policy() throws Exception {
        String app = "sickit" + R;
        String toml = service("s", KEEP_RUNNING, "restart = \"always\"\n[service.s.health_check]\ntype = \"exec\"\ncommand = [\"cat\", \"/nope\"]\n"
                + "interval = 1\nretries = 1\n[service.s.rollout]\nfailure_action = \"pause\"\n");
        JsonNode r = YoqServer.JSON.readTree(PrivilegedLane.yoq("--json", "up", "-f", manifest(app, toml).toString()).out());
        assertThat(state(r, "s")).isEqualTo("failed");
        waitFor(() -> containers(app).get(0).path("restart_count").asInt() >= 1);
        assertThat(containers(app)).hasSize(1);
        PrivilegedLane.yoq("down", "--app", app);
    }

    @Test
    void a_cron_run_still_going_skips_the_next_and_schedules_follow_releases_and_rollback() throws Exception {
        String app = "cronit" + R;
        String v1 = "[cron.slow]\nimage = \"ROOTFS\"\nevery = \"1s\"\ncommand = [\"sleep\", \"2\"]\n";
        assertThat(PrivilegedLane.yoq("up", "-f", manifest(app, v1).toString()).exit()).isZero();
        waitFor(() -> count(app, "skipped") >= 1 && count(app, "succeeded") >= 1);
        JsonNode skipped = null;
        for (JsonNode r : YoqServer.json(YoqServer.get("/apps/" + app + "/runs", YoqServer.token()))) {
            if (r.path("outcome").asText().equals("skipped")) skipped = r;
        }
        assertThat(skipped.path("message").asText()).startsWith("the previous run (").endsWith(") is still going");

        String v2 = "[worker.only]\nimage = \"ROOTFS\"\ncommand = [\"true\"]\n";
        assertThat(PrivilegedLane.yoq("up", "-f", manifest(app, v2).toString()).exit()).isZero();
        Thread.sleep(2_500);   // a run that was starting may still finish
        long before = count(app, null);
        Thread.sleep(3_000);
        assertThat(count(app, null)).as("the new release has no cron: no runs").isEqualTo(before);

        assertThat(PrivilegedLane.yoq("rollback", "--app", app).exit()).isZero();
        waitFor(() -> count(app, null) > before);
        PrivilegedLane.yoq("down", "--app", app);
    }

    static long count(String app, String outcome) throws Exception {
        long n = 0;
        for (JsonNode r : YoqServer.json(YoqServer.get("/apps/" + app + "/runs", YoqServer.token()))) {
            if (r.path("kind").asText().equals("cron") && (outcome == null || r.path("outcome").asText().equals(outcome))) n++;
        }
        return n;
    }

    @Test
    void rollback_restores_the_previous_config_as_a_new_release_and_print_changes_nothing() throws Exception {
        JsonNode v1 = YoqServer.JSON.readTree(PrivilegedLane.yoq("--json", "up", "-f",
                manifest("backit" + R, service("a", "echo one; " + KEEP_RUNNING, "")).toString()).out());
        PrivilegedLane.yoq("up", "-f", manifest("backit" + R, service("a", "echo two; " + KEEP_RUNNING, "")).toString());
        assertThat(containers("backit" + R).get(0).path("command").asText()).contains("echo two");
        CliIT.Run print = PrivilegedLane.yoq("rollback", "--app", "backit" + R, "--print");
        assertThat(YoqServer.JSON.readTree(print.out()).path("services").get(0).path("command").toString()).contains("echo one");
        CliIT.Run back = PrivilegedLane.yoq("--json", "rollback", "--app", "backit" + R);
        JsonNode r = YoqServer.JSON.readTree(back.out());
        assertThat(r.path("trigger").asText()).isEqualTo("rollback");
        assertThat(r.path("source_release_id").asText()).isEqualTo(v1.path("release_id").asText());
        assertThat(r.path("message").asText()).isEqualTo("rollback to " + v1.path("release_id").asText() + " completed");
        assertThat(containers("backit" + R).get(0).path("command").asText()).contains("echo one");
        JsonNode history = YoqServer.json(YoqServer.get("/apps/backit" + R + "/history", YoqServer.token()));
        assertThat(history).hasSize(3);
        assertThat(history.get(0).path("is_current").asBoolean()).isTrue();
        assertThat(PrivilegedLane.yoq("history", "--app", "backit" + R).out()).startsWith("MARK ID")
                .containsPattern("\\* +" + r.path("release_id").asText() + " +completed +stable +active +rollback .* rollback to ");
        HttpResponse<String> missing = YoqServer.send(HttpRequest.newBuilder(YoqServer.uri("/apps/backit" + R + "/rollback"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"release_id\":\"abc123\"}")), YoqServer.token());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(YoqServer.get("/apps/nosuchapp" + R + "/status", YoqServer.token()).statusCode()).isEqualTo(404);
        PrivilegedLane.yoq("down", "--app", "backit" + R);
    }

    @Test
    void status_rows_show_health_cpu_and_memory_and_a_breached_alert_posts_its_webhook_once() throws Exception {
        com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        List<String> posts = java.util.Collections.synchronizedList(new ArrayList<>());
        hook.createContext("/hook", x -> {
            posts.add(new String(x.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        hook.start();
        try {
            Path m = manifest("alertit" + R, service("burn", "trap 'exit 0' TERM; while :; do :; done & wait",
                    "[service.burn.alerts]\ncpu_percent = 5.0\nconsecutive = 2\nwebhook = \"http://127.0.0.1:" + hook.getAddress().getPort()
                            + "/hook\"\n[service.burn.health_check]\ntype = \"exec\"\ncommand = [\"true\"]\ninterval = 1\n"));
            assertThat(PrivilegedLane.yoq("up", "-f", m.toString()).exit()).isZero();
            waitFor(() -> !posts.isEmpty());
            JsonNode post = YoqServer.JSON.readTree(posts.get(0));
            assertThat(post.path("app").asText()).isEqualTo("alertit" + R);
            assertThat(post.path("service").asText()).isEqualTo("burn");
            assertThat(post.path("metric").asText()).isEqualTo("cpu_percent");
            assertThat(post.path("value").asDouble()).isGreaterThan(5.0);
            JsonNode row = null;
            for (JsonNode r : YoqServer.json(YoqServer.get("/v1/status", YoqServer.token()))) {
                if (r.path("app").asText().equals("alertit" + R)) row = r;
            }
            assertThat(row).isNotNull();
            assertThat(row.path("name").asText()).isEqualTo("burn");
            assertThat(row.path("status").asText()).isEqualTo("running");
            assertThat(row.path("health").asText()).isEqualTo("healthy");
            assertThat(row.path("cpu_pct").asDouble()).isGreaterThan(5.0);
            assertThat(row.path("memory_bytes").asLong()).isPositive();
            assertThat(row.path("running").asInt()).isEqualTo(1);
            assertThat(row.path("desired").asInt()).isEqualTo(1);
            assertThat(row.path("alerts").get(0).path("firing").asBoolean()).isTrue();
            assertThat(PrivilegedLane.yoq("status").out()).contains("alertit" + R + "/burn").contains("ALERT cpu_percent");
            Thread.sleep(4_500);   // two more samples while the breach lasts
            assertThat(posts).as("one POST per breach, not one per sample").hasSize(1);
        } finally {
            hook.stop(0);
            PrivilegedLane.yoq("down", "--app", "alertit" + R);
        }
    }

    @Test
    void bad_applies_are_400_naming_the_problem_and_record_nothing() throws Exception {
        long before = YoqServer.json(YoqServer.get("/apps", YoqServer.token())).size();
        assertThat(apply("{\"services\":[]}")).isEqualTo("400 missing app_name");
        assertThat(apply("{\"app_name\":\"empty" + R + "\",\"services\":[],\"workers\":[],\"crons\":[],\"training_jobs\":[]}"))
                .isEqualTo("400 no services to deploy");
        assertThat(apply("not json")).startsWith("400 snapshot: not JSON");
        assertThat(apply("{\"app_name\":\"bad;name\",\"services\":[],\"workers\":[],\"crons\":[],\"training_jobs\":[]}"))
                .isEqualTo("400 invalid app name");
        String app = "cfgit" + R;
        assertThat(PrivilegedLane.yoq("up", "-f", manifest(app, service("a", KEEP_RUNNING, "")).toString()).exit()).isZero();
        String stored = PrivilegedLane.yoq("rollback", "--app", app, "--print", "--release", status(app).path("release_id").asText()).out();
        PrivilegedLane.yoq("down", "--app", app);
        assertThat(stored).contains("\"strategy\":\"rolling\"");
        String bad = stored.strip().replace("\"strategy\":\"rolling\"", "\"strategy\":\"sideways\"");
        long releases = YoqServer.json(YoqServer.get("/apps/" + app + "/history", YoqServer.token())).size();
        assertThat(apply(bad)).startsWith("400 invalid rollout config: ").contains("must be rolling, canary or blue_green, got 'sideways'");
        assertThat(YoqServer.json(YoqServer.get("/apps/" + app + "/history", YoqServer.token())).size()).as("nothing recorded").isEqualTo(releases);
        assertThat(YoqServer.json(YoqServer.get("/apps", YoqServer.token())).size()).isEqualTo(before + 1);
    }

    static String apply(String body) throws Exception {
        HttpResponse<String> r = YoqServer.send(HttpRequest.newBuilder(YoqServer.uri("/apps/apply")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), YoqServer.token());
        return r.statusCode() + " " + YoqServer.json(r).path("error").asText();
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check check) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!check.ok()) {
            assertThat(System.currentTimeMillis()).as("waited 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    static CliIT.Run run(String... args) {
        try {
            return PrivilegedLane.yoq(args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
