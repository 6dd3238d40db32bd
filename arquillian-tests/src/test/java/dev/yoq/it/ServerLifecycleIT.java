package dev.yoq.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `yoq server start|status|logs|stop` on a real Liberty server: a copy of the production server definition
 * ("yoq", with its EAR) under another name and port, so a developer's own server is never touched.
 */
class ServerLifecycleIT {

    static final String NAME = "yoqcli";
    static final int PORT = 7790;
    static final dev.yoq.node.protocol.NodeNames NAMES = new dev.yoq.node.protocol.NodeNames("yoqlc0", "10.244.0.0/16", "yoq_lc",
            "yoqlc-", "yoq_lc", "10.254.0.0/16", "wgyoqlc");
    static final Path SERVERS = YoqServer.SERVER_DIR.getParent();

    @TempDir
    static Path home;

    static Map<String, String> env(String... extra) {
        Map<String, String> env = new HashMap<>(Map.of("YOQ_SERVER_NAME", NAME, "YOQ_API_PORT",
                String.valueOf(PORT), "YOQ_HOME", data().toString(), "YOQ_NODE_SOCKET", nodeSocket().toString()));
        env.putAll(NAMES.asEnv());   // helper and server with names of this test's own
        env.putAll(Map.of("YOQ_PROXY_ADDRESS", "127.0.0.1", "YOQ_PROXY_HTTP_PORT", "17881", "YOQ_PROXY_HTTPS_PORT", "0",
                "YOQ_PROXY_ACME_PORT", "0"));   // its yoq-proxy on a port of its own, beside a user's on 17080/443/80
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    @BeforeAll
    static void copyTheProductionServer() throws Exception {
        Files.createDirectories(nodeSocket().getParent());
        copyProductionServer(NAME);
    }

    /** A copy of the production server definition ("yoq", with its EAR) under {@code name}, replacing an old one. */
    static void copyProductionServer(String name) throws Exception {
        Path from = SERVERS.resolve("yoq");
        Path to = SERVERS.resolve(name);
        deleteTree(to);
        Files.createDirectories(to.resolve("apps"));
        for (String file : List.of("server.xml", "common.xml", "jvm.options", "bootstrap.properties", "server.env",
                "apps/yoq-ear.ear")) {
            Files.copy(from.resolve(file), to.resolve(file));
        }
    }

    /** Each test starts the server itself; whatever happened, it is stopped before the next one. */
    @AfterEach
    void stop() throws Exception {
        CliIT.yoq(env(), "server", "stop");
    }

    @AfterAll
    static void stopAndRemove() throws Exception {
        CliIT.yoq(env(), "server", "stop");
        // `yoq server start` started a node helper (as root) on this test's socket; it outlives the server by design
        new ProcessBuilder("pkill", "-f", "yoq-node.jar --socket " + nodeSocket()).start().waitFor();
        PrivilegedLane.removeLaneNetwork(NAMES);
        deleteTree(SERVERS.resolve(NAME));
    }

    /** The socket in a directory of its own and the data apart: rootfs and bind sources here lie in neither. */
    static Path nodeSocket() {
        return home.resolve("run/node.sock");
    }

    static Path data() {
        return home.resolve("data");
    }

    /**
     * The hardening issue's finding 2 on a copy of the production server (its JVM options, heap 192 MiB): twenty
     * parallel 1 GB uploads, half declared, half chunked, to a JSON route and the apply route.
     */
    @Test
    void twentyParallelGigabyteUploadsAreAll413AndTheServerStaysUnder350MiB() throws Exception {
        assertThat(CliIT.yoq(env(), "server", "start").exit()).isZero();
        String token = Files.readString(data().resolve("api_token")).strip();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.CompletableFuture<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                boolean chunked = i % 2 == 0;
                String path = i % 4 < 2 ? "/containers" : "/apps/apply";
                answers.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return HardeningIT.upload(PORT, token, path, 1L << 30, chunked);
                    } catch (Exception e) {
                        return "failed: " + e;
                    }
                }, pool));
            }
            for (var a : answers) assertThat(a.get(120, java.util.concurrent.TimeUnit.SECONDS)).startsWith("HTTP/1.1 413 ");
        } finally {
            pool.shutdownNow();
        }
        CliIT.Run status = CliIT.yoq(env(), "server", "status");
        assertThat(status.exit()).as("alive after the uploads: " + status.out() + status.err()).isZero();
        long rss = serverRssKib(NAME);
        System.out.println("RSS of the server after 20 parallel 1 GB uploads: " + rss / 1024 + " MiB (limit 350 MiB)");
        assertThat(rss).as("RSS of the server after the uploads, KiB").isLessThan(350L * 1024);
    }

    /** The RSS of the Liberty JVM running server {@code name} (its launcher names it on the command line). */
    static long serverRssKib(String name) throws Exception {
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            List<String> args = p.info().arguments().map(List::of).orElse(List.of());
            if (args.contains(name) && String.join(" ", args).contains("ws-server.jar")) {
                for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(p.pid()), "status"))) {
                    if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        throw new AssertionError("no Liberty process for server " + name);
    }

    @Test
    void containersKeepRunningAndLoggingWhileTheServerRestarts() throws Exception {
        Path rootfs = busyboxRootfs("containersKeepRunningAndLoggingWhileTheServerRestarts", "rootfs", "sh", "echo", "sleep", "[");
        // The container goes on when the test says so (a file in a bind mount), not after a fixed time: a
        // server restart on a busy 2-core machine can take longer than any sleep chosen here.
        Path flag = Files.createDirectories(home.resolve("flag"));
        assertThat(CliIT.yoq(env(), "server", "start").exit()).isZero();
        CliIT.Run run = CliIT.yoq(env(), "--server", "127.0.0.1:" + PORT, "run", "-d", "-v", flag + ":/flag", rootfs.getParent().toString(),
                "sh", "-c", "echo before; while [ ! -e /flag/go ]; do sleep 0.1; done; echo after");
        assertThat(run.exit()).as(run.err()).isZero();
        String id = run.out().strip();
        String pidBefore = containerField(id, "pid");

        assertThat(CliIT.yoq(env(), "server", "stop").exit()).isZero();
        assertThat(CliIT.yoq(env(), "server", "start").exit()).isZero();
        assertThat(containerField(id, "status")).isEqualTo("running");
        assertThat(containerField(id, "pid")).as("the very same process").isEqualTo(pidBefore);
        Files.writeString(flag.resolve("go"), "");

        String status = "running";
        for (int i = 0; i < 150 && status.equals("running"); i++) {
            Thread.sleep(200);
            status = containerField(id, "status");
        }
        assertThat(status).isEqualTo("exited");
        CliIT.Run logs = CliIT.yoq(env(), "--server", "127.0.0.1:" + PORT, "logs", id);
        assertThat(logs.out()).isEqualTo("before\nafter\n");
        CliIT.yoq(env(), "--server", "127.0.0.1:" + PORT, "rm", id);
    }

    /**
     * The hardening issue's finding 5: kill -9 of yoq-node. Readiness goes DOWN naming the helper, the server
     * starts it again, and within 5 s the helper has re-adopted the running container, answers its name in DNS,
     * forwards its published port, and new containers start.
     */
    @Test
    void aKilledNodeHelperIsStartedAgainAndWithinFiveSecondsEverythingWorks() throws Exception {
        Path rootfs = busyboxRootfs("aKilledNodeHelperIsStartedAgainAndWithinFiveSecondsEverythingWorks", "helper-rootfs",
                "sh", "httpd", "nslookup", "true", "mkdir", "echo", "sleep");
        assertThat(CliIT.yoq(env(), "server", "start").exit()).isZero();
        String server = "127.0.0.1:" + PORT;
        CliIT.Run web = CliIT.yoq(env(), "--server", server, "run", "-d", "--name", "helperweb", "-p", "18297:80", rootfs.getParent().toString(),
                "sh", "-c", "mkdir -p /w && echo served > /w/index.html && httpd -f -p 80 -h /w");
        assertThat(web.exit()).as(web.err()).isZero();
        String id = web.out().strip();
        String pid = containerField(id, "pid");
        awaitServed("http://127.0.0.1:18297/", 10_000);

        Process kill = new ProcessBuilder("pkill", "-9", "-f", "yoq-node.jar --socket " + nodeSocket()).start();
        assertThat(kill.waitFor()).as("the helper was killed").isZero();
        long killedAt = System.currentTimeMillis();
        String readyWhileDown = "";
        for (long until = killedAt + 3_000; System.currentTimeMillis() < until && !readyWhileDown.contains("node-helper"); ) {
            HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + server + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 503) readyWhileDown = r.body();
            else Thread.sleep(50);
        }
        assertThat(readyWhileDown).as("readiness while the helper is down").contains("node helper not answering");

        boolean back = false;
        while (!back && System.currentTimeMillis() < killedAt + 5_000) {
            HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + server + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            back = r.statusCode() == 200;
            if (!back) Thread.sleep(100);
        }
        assertThat(back).as("ready again within 5 s of the kill").isTrue();
        assertThat(containerField(id, "status")).isEqualTo("running");
        assertThat(containerField(id, "pid")).as("re-adopted, not restarted").isEqualTo(pid);
        awaitServed("http://127.0.0.1:18297/", 2_000);
        CliIT.Run lookup = CliIT.yoq(env(), "--server", server, "run", rootfs.getParent().toString(), "nslookup", "helperweb");
        assertThat(lookup.exit()).as("a new container starts and resolves the name: " + lookup.out() + lookup.err()).isZero();
        assertThat(lookup.out()).contains("Address");
        CliIT.yoq(env(), "--server", server, "stop", id);
        CliIT.yoq(env(), "--server", server, "rm", id);
    }

    static void awaitServed(String url, long ms) throws Exception {
        long deadline = System.currentTimeMillis() + ms;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(java.time.Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.body().contains("served")) return;
                last = r.statusCode() + " " + r.body();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError(url + " not served within " + ms + " ms: " + last);
    }

    /**
     * Kill -9 of the server in the middle of a rollout: after the restart the same release carries on from its
     * checkpoint; services already started are not started again, none is started twice, and it completes.
     */
    @Test
    void aRolloutInterruptedByKillDash9ResumesFromItsCheckpoint() throws Exception {
        Path rootfs = busyboxRootfs("aRolloutInterruptedByKillDash9ResumesFromItsCheckpoint", "crash-rootfs", "sh", "sleep");
        StringBuilder toml = new StringBuilder("app = \"crashit\"\n");
        for (String s : List.of("a", "b", "c")) {
            toml.append("[service.").append(s).append("]\nimage = \"").append(rootfs.getParent())
                    .append("\"\ncommand = [\"sh\", \"-c\", \"trap 'exit 0' TERM; sleep 1000 & wait\"]\n");
            if (s.equals("a")) toml.append("[service.a.rollout]\ndelay_between_batches = \"4s\"\n");
        }
        Path manifest = Files.writeString(home.resolve("crash-manifest.toml"), toml);
        CliIT.Run start = CliIT.yoq(env(), "server", "start");
        assertThat(start.exit()).as(start.out() + start.err()).isZero();
        String server = "127.0.0.1:" + PORT;
        ProcessBuilder upCommand = new ProcessBuilder(YoqServer.REPO.resolve("bin/yoq").toString(), "--server", server, "up", "-f",
                manifest.toString()).redirectErrorStream(true).redirectOutput(home.resolve("crash-up.log").toFile());
        upCommand.environment().remove("YOQ_TOKEN");
        upCommand.environment().putAll(env());
        Process up = upCommand.start();
        up.getOutputStream().close();
        java.util.function.Supplier<List<String>> ids = () -> {
            try {
                List<String> out = new java.util.ArrayList<>();
                for (var c : YoqServer.JSON.readTree(CliIT.yoq(env(), "--server", server, "--json", "ps").out())) {
                    if (c.path("name").asText().startsWith("crashit-")) out.add(c.path("name").asText() + "=" + c.path("id").asText());
                }
                return out;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        long deadline = System.currentTimeMillis() + 30_000;
        while (ids.get().size() < 1 && System.currentTimeMillis() < deadline) Thread.sleep(100);
        List<String> beforeCrash = ids.get();
        assertThat(beforeCrash).as(Files.readString(home.resolve("crash-up.log"))).hasSize(1);   // batch 1 is up, the rollout waits 4 s before batch 2
        Process kill = new ProcessBuilder("pkill", "-9", "-f", "ws-server.jar " + NAME).start();
        assertThat(kill.waitFor()).as("the server's JVM was killed").isZero();
        up.waitFor();

        assertThat(CliIT.yoq(env(), "server", "start").exit()).isZero();
        com.fasterxml.jackson.databind.JsonNode status = null;
        deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            CliIT.Run s = CliIT.yoq(env(), "--server", server, "--json", "status", "--app", "crashit");
            status = YoqServer.JSON.readTree(s.out());
            if (!status.path("status").asText().matches("pending|in_progress")) break;
            Thread.sleep(250);
        }
        assertThat(status.path("status").asText()).as(String.valueOf(status)).isEqualTo("completed");
        CliIT.Run history = CliIT.yoq(env(), "--server", server, "--json", "history", "--app", "crashit");
        assertThat(YoqServer.JSON.readTree(history.out())).as("the same release, not a new one").hasSize(1);
        List<String> after = ids.get();
        assertThat(after).hasSize(3).containsAll(beforeCrash);
        CliIT.yoq(env(), "--server", server, "down", "--app", "crashit");
    }

    /**
     * Kill -9 of the server in the middle of a blue/green update of three replicas, with both sets alive (the new
     * one started on standby): after the restart the same release switches to the new set and removes the old one.
     * No replica is started twice, none is left behind.
     */
    @Test
    void aBlueGreenUpdateInterruptedByKillDash9WithBothSetsAliveEndsWithExactlyTheNewSet() throws Exception {
        Path rootfs = busyboxRootfs("aBlueGreenUpdateInterruptedByKillDash9WithBothSetsAliveEndsWithExactlyTheNewSet", "bg-rootfs",
                "sh", "sleep", "httpd", "mkdir", "echo");
        java.util.function.Function<String, String> manifest = version -> "app = \"bgcrash\"\n[service.web]\nimage = \"" + rootfs.getParent()
                + "\"\nreplicas = 3\ncommand = [\"sh\", \"-c\", \"mkdir -p /tmp/w && echo " + version
                + " > /tmp/w/index.html && trap 'exit 0' TERM; httpd -f -p 80 -h /tmp/w & wait\"]\n"
                + "[service.web.health_check]\ntype = \"tcp\"\nport = 80\ninterval = 3\ntimeout = 1\n"
                + "[service.web.rollout]\nstrategy = \"blue_green\"\n";
        CliIT.Run start = CliIT.yoq(env(), "server", "start");
        assertThat(start.exit()).as(start.out() + start.err()).isZero();
        String server = "127.0.0.1:" + PORT;
        CliIT.Run v1 = CliIT.yoq(env(), "--server", server, "up", "-f", Files.writeString(home.resolve("bg-v1.toml"), manifest.apply("v1")).toString());
        assertThat(v1.exit()).as(v1.out() + v1.err()).isZero();
        java.util.function.Supplier<List<String>> running = () -> {
            try {
                List<String> out = new java.util.ArrayList<>();
                for (var c : YoqServer.JSON.readTree(CliIT.yoq(env(), "--server", server, "--json", "ps").out())) {
                    if (c.path("name").asText().startsWith("bgcrash-web-") && c.path("status").asText().equals("running")) {
                        out.add(c.path("name").asText() + "=" + c.path("id").asText());
                    }
                }
                return out;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        List<String> old = running.get();
        assertThat(old).hasSize(3);
        ProcessBuilder upCommand = new ProcessBuilder(YoqServer.REPO.resolve("bin/yoq").toString(), "--server", server, "up", "-f",
                Files.writeString(home.resolve("bg-v2.toml"), manifest.apply("v2")).toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("bg-up.log").toFile());
        upCommand.environment().remove("YOQ_TOKEN");
        upCommand.environment().putAll(env());
        Process up = upCommand.start();
        up.getOutputStream().close();
        long deadline = System.currentTimeMillis() + 30_000;
        while (running.get().size() < 6 && System.currentTimeMillis() < deadline) Thread.sleep(100);
        List<String> both = running.get();
        assertThat(both).as(Files.readString(home.resolve("bg-up.log"))).hasSize(6).containsAll(old);   // the new set on standby
        assertThat(new ProcessBuilder("pkill", "-9", "-f", "ws-server.jar " + NAME).start().waitFor()).isZero();
        up.waitFor();

        assertThat(CliIT.yoq(env(), "server", "start").exit()).isZero();
        com.fasterxml.jackson.databind.JsonNode status = null;
        deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            status = YoqServer.JSON.readTree(CliIT.yoq(env(), "--server", server, "--json", "status", "--app", "bgcrash").out());
            if (!status.path("status").asText().matches("pending|in_progress")) break;
            Thread.sleep(250);
        }
        assertThat(status.path("status").asText()).as(String.valueOf(status)).isEqualTo("completed");
        List<String> after = running.get();
        List<String> fresh = new java.util.ArrayList<>(both);
        fresh.removeAll(old);
        assertThat(after).as("exactly the set started before the crash: no duplicate, no orphan").containsExactlyInAnyOrderElementsOf(fresh);
        assertThat(CliIT.yoq(env(), "--server", server, "--json", "ps").out()).as("the old set removed, not just stopped").doesNotContain(old.get(0).split("=")[1]);
        CliIT.yoq(env(), "--server", server, "down", "--app", "bgcrash");
    }

    /** Skips the test loudly unless root with busybox-static; returns {@code <dir>/bin} with busybox and these applets. */
    static Path busyboxRootfs(String test, String dir, String... applets) throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || !Files.isExecutable(Path.of("/bin/busybox"))) {
            System.err.println("*** SKIPPED " + test + ": needs root and busybox-static ***");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(root && Files.isExecutable(Path.of("/bin/busybox")));
        Path bin = Files.createDirectories(home.resolve(dir).resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String applet : applets) Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        return bin;
    }

    static String containerField(String id, String field) throws Exception {
        CliIT.Run ps = CliIT.yoq(env(), "--server", "127.0.0.1:" + PORT, "--json", "ps");
        for (com.fasterxml.jackson.databind.JsonNode c : YoqServer.JSON.readTree(ps.out())) {
            if (c.path("id").asText().equals(id)) return c.path(field).asText();
        }
        throw new AssertionError("container " + id + " not listed: " + ps.out() + ps.err());
    }

    @Test
    void startIsIdempotentStatusAndLogsReportItAndStopIsIdempotent() throws Exception {
        CliIT.Run start = CliIT.yoq(env(), "server", "start");
        assertThat(start.exit()).as(start.err()).isZero();
        assertThat(start.out()).isEqualTo("yoq server ready at http://127.0.0.1:" + PORT + " (data dir " + data() + ")\n");
        assertThat(data().resolve("api_token")).isRegularFile();

        CliIT.Run again = CliIT.yoq(env(), "server", "start");
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("already running");

        CliIT.Run status = CliIT.yoq(env(), "server", "status");
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("running and ready");

        CliIT.Run api = CliIT.yoq(env(), "status", "--node");
        assertThat(api.exit()).as(api.err()).isZero();
        assertThat(api.out()).contains("data dir:       " + data());

        CliIT.Run logs = CliIT.yoq(env(), "server", "logs", "--tail", "200");
        assertThat(logs.out()).contains("CWWKF0011I");
        assertThat(followedLogsStayOpen()).contains("CWWKF0011I");

        CliIT.Run statusJson = CliIT.yoq(env(), "--json", "server", "status");
        assertThat(YoqServer.JSON.readTree(statusJson.out()).path("state").asText()).isEqualTo("ready");

        CliIT.Run stop = CliIT.yoq(env(), "server", "stop");
        assertThat(stop.exit()).isZero();
        assertThat(stop.out()).isEqualTo("yoq server stopped\n");
        assertThat(CliIT.yoq(env(), "server", "stop").out()).isEqualTo("yoq server is not running\n");

        CliIT.Run stopped = CliIT.yoq(env(), "server", "status");
        assertThat(stopped.exit()).isEqualTo(1);
        assertThat(stopped.out()).isEqualTo("yoq server is not running\n");
    }

    @Test
    void jsonLogFormatWritesJsonLines() throws Exception {
        CliIT.Run start = CliIT.yoq(env("YOQ_LOG_FORMAT", "json"), "server", "start");
        assertThat(start.exit()).as(start.err()).isZero();

        List<String> lines = Files.readAllLines(SERVERS.resolve(NAME).resolve("logs/messages.log"));
        String ready = lines.stream().filter(l -> l.contains("CWWKF0011I")).reduce((a, b) -> b).orElseThrow();
        assertThat(YoqServer.JSON.readTree(ready).path("ibm_messageId").asText()).isEqualTo("CWWKF0011I");

        assertThat(CliIT.yoq(env(), "server", "stop").exit()).isZero();
    }

    @Test
    void metricsAuthenticationClosesMetricsAndTheTokenRouteServesThem() throws Exception {
        CliIT.Run start = CliIT.yoq(env("YOQ_METRICS_AUTHENTICATION", "true"), "server", "start");
        assertThat(start.exit()).as(start.err()).isZero();
        String base = "http://127.0.0.1:" + PORT;
        String token = Files.readString(data().resolve("api_token")).strip();

        var open = YoqServer.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(open.statusCode()).as("/metrics without credentials").isNotEqualTo(200);
        assertThat(open.body()).doesNotContain("yoq_api_requests_total");

        var withToken = YoqServer.HTTP.send(HttpRequest.newBuilder(
                        URI.create(base + "/v1/metrics?format=prometheus"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.body()).contains("mp_scope=\"base\"");

        assertThat(CliIT.yoq(env(), "server", "stop").exit()).isZero();
    }

    @Test
    void aBadSettingKeepsTheServerUnreadyAndStartSaysWhy() throws Exception {
        CliIT.Run start = CliIT.yoq(env("YOQ_ROLE", "leader"), "server", "start");

        assertThat(start.exit()).isEqualTo(1);
        assertThat(start.err()).contains("the server started but is not ready: yoq.role: must be server or agent, got leader");
        CliIT.Run status = CliIT.yoq(env(), "server", "status");
        assertThat(status.exit()).isEqualTo(1);
        assertThat(status.out()).contains("running but not ready: yoq.role: must be server or agent, got leader");

        assertThat(CliIT.yoq(env(), "server", "stop").exit()).isZero();
    }

    /** `yoq server logs -f` prints the log and keeps following it until stopped. */
    private static String followedLogsStayOpen() throws Exception {
        Path captured = Files.createTempFile(home, "follow", ".log");
        ProcessBuilder pb = new ProcessBuilder(YoqServer.REPO.resolve("bin/yoq").toString(), "server", "logs", "-f",
                "--tail", "50").redirectErrorStream(true).redirectOutput(captured.toFile());
        pb.environment().putAll(env());
        Process p = pb.start();
        try {
            Thread.sleep(3000);
            assertThat(p.isAlive()).as("still following").isTrue();
        } finally {
            p.destroy();
            p.waitFor();
        }
        return Files.readString(captured);
    }

    static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
