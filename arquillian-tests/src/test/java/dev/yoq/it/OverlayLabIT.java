package dev.yoq.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The WireGuard overlay end to end, as a user sets it up: three whole nodes (Liberty + the EAR + a node helper each)
 * in a lab of this test's own ({@code scripts/lab}, namespaces {@code yoqovl-s1}, {@code -a1}, {@code -a2} on
 * 10.239.4.0/24): {@code s1} is a cluster server that joins as role server (a hub), {@code a1} and {@code a2} are
 * nodes that join as role agent. {@code s1} starts on the subnet the cluster will give it; the agents start on the
 * default, {@code yoq join} keeps theirs and they are restarted on it, as join says; {@code yoq join} sets up
 * {@code wg-yoq} through each node's server; then a container on {@code a1} fetches a page from a container on
 * {@code a2}, through the hub, and the page sees the caller's own address.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OverlayLabIT {
    static final String LAB = "yoqovl";
    static final String SUBNET = "10.239.4";
    static final Path LAB_DIR = Path.of("/var/tmp/" + LAB);
    static final String API_TOKEN = "d1".repeat(32);
    static final String JOIN_TOKEN = "overlay-it-join-token";
    static final List<String> NODES = List.of("s1", "a1", "a2", "a3");
    static final Path SERVERS = YoqServer.SERVER_DIR.getParent();
    static final List<Process> joins = new ArrayList<>();
    /** A registry in s1's namespace, on its lab address: the agents pull the cluster app's image from it. */
    static final String REGISTRY = SUBNET + ".1:5000";
    static boolean up;

    /** Node ids follow the order of joining: s1 1, a1 2, a2 3; each node's server leases from 10.42.<id>.0/24. */
    static String subnet(String node) { return "10.42." + (NODES.indexOf(node) + 1) + ".0/24"; }

    @BeforeAll
    static void threeNodes() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean wireguard = new ProcessBuilder("sh", "-c", "command -v wg && command -v wireguard-go").start().waitFor() == 0;
        if (!root || !wireguard) {
            System.err.println("*** SKIPPED OverlayLabIT: needs root and WireGuard's tools (apt install wireguard-tools wireguard-go) ***");
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "needs root, wg and wireguard-go");
        }
        lab("down");   // whatever a killed earlier run left
        removeCgroups();
        Run lab = lab("up", "--servers", "1", "--agents", "3");
        assertThat(lab.exit()).as(lab.out()).isZero();
        Files.createDirectories(LAB_DIR);
        Run rootfs = run(List.of(YoqServer.REPO.resolve("scripts/demo-rootfs").toString(), LAB_DIR.resolve("rootfs").toString()), 60);
        assertThat(rootfs.exit()).as(rootfs.out()).isZero();
        // a CGI page that says who called: the caller's own address, not its node's, when nothing masquerades it
        Path cgi = Files.createDirectories(LAB_DIR.resolve("rootfs").resolve("www").resolve("cgi-bin")).resolve("whoami");
        Files.writeString(cgi, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\ncaller %s\\n' \"$REMOTE_ADDR\"\n");
        Files.setPosixFilePermissions(cgi, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        List<Process> starting = new ArrayList<>();
        for (String node : NODES) {
            ClusterServersIT.copyTheProductionServer(LAB + "-" + node);
            Path token = LAB_DIR.resolve(node).resolve("data").resolve("api_token");
            Files.writeString(token, API_TOKEN + "\n");
            Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            starting.add(yoq(node, node.equals("s1")
                    ? List.of("init-server", "--id", "1", "--peers", "1@" + SUBNET + ".1:9700", "--token", JOIN_TOKEN, "--api-token", API_TOKEN,
                            "--log-format", "text")
                    : List.of("server", "start")).start());
        }
        for (int i = 0; i < starting.size(); i++) {
            Process p = starting.get(i);
            assertThat(p.waitFor(240, TimeUnit.SECONDS)).as(NODES.get(i) + " started").isTrue();
            assertThat(p.exitValue()).as(NODES.get(i) + ": " + new String(p.getInputStream().readAllBytes())).isZero();
        }
        up = true;
    }

    @AfterAll
    static void tearDown() throws Exception {
        joins.forEach(Process::destroyForcibly);
        try {
            if (up) {
                for (String node : List.of("a1", "a2", "a3")) removeContainers(node);
            }
            Path keep = Path.of("target", "overlay-lab-it");
            Files.createDirectories(keep);
            for (String node : NODES) {
                for (String log : List.of("join.log", "data/logs/yoq-node.log")) {
                    Path from = LAB_DIR.resolve(node).resolve(log);
                    if (Files.exists(from)) Files.copy(from, keep.resolve(node + "-" + from.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } finally {
            lab("down");   // kills every process in the nodes' namespaces (servers, helpers, wireguard-go) and removes them
            for (String node : NODES) ServerLifecycleIT.deleteTree(SERVERS.resolve(LAB + "-" + node));
            removeCgroups();
        }
    }

    /** Containers live in namespaces of their own, which lab down does not reach: through the node's server first. */
    static void removeContainers(String node) {
        try {
            for (JsonNode c : YoqServer.JSON.readTree(curl(node, "/containers").out())) {
                String id = c.path("id").asText();
                curl(node, "-X", "POST", "/containers/" + id + "/stop");
                curl(node, "-X", "DELETE", "/containers/" + id);
            }
        } catch (Exception | AssertionError e) {
            System.err.println("OverlayLabIT: could not remove " + node + "'s containers through its server (" + e + "); their cgroups are killed below");
        }
    }

    /** Whatever is left in this test's cgroup parents (containers of a node whose server died) is killed, then removed. */
    static void removeCgroups() throws Exception {
        run(List.of("sh", "-c", "for d in $(find /sys/fs/cgroup -depth -type d -path '*/" + LAB + "_*'); do "
                + "[ -f $d/cgroup.kill ] && echo 1 > $d/cgroup.kill; "
                + "[ -f $d/cgroup.procs ] && for p in $(cat $d/cgroup.procs); do kill -9 $p; done; done 2>/dev/null; sleep 1; "
                + "find /sys/fs/cgroup -depth -type d -path '*/" + LAB + "_*' -exec rmdir {} + 2>/dev/null; true"), 60);
    }

    @Test
    @Order(1)
    void joiningNodesFormTheHubAndSpokeOverlay() throws Exception {
        join("s1", "server");
        join("a1", "agent");
        join("a2", "agent");
        // the agents' servers lease from the default 10.42.0.0/16: join keeps the cluster's subnet and says to restart
        for (String node : List.of("a1", "a2")) {
            Path kept = LAB_DIR.resolve(node).resolve("data").resolve("cluster").resolve("node_subnet");
            awaitCondition(() -> Files.exists(kept) && Files.exists(LAB_DIR.resolve(node).resolve("join.log"))
                    && Files.readString(LAB_DIR.resolve(node).resolve("join.log")).contains("is kept in"), node + " kept its subnet");
            assertThat(Files.readString(kept).strip()).isEqualTo(subnet(node));
            assertThat(curl(node, "/v1/node/overlay").out()).contains("\"up\":false");
        }
        // restarted as join says (its helper found by its own data directory: pkill -f yoq-node.jar would hit the host's)
        List<Process> restarting = new ArrayList<>();
        for (String node : List.of("a1", "a2")) {
            assertThat(yoqRun(node, "server", "stop").exit()).isZero();
            run(List.of("pkill", "-f", "yoq-node.jar.*" + LAB_DIR.resolve(node).resolve("data")), 10);
            restarting.add(yoq(node, List.of("server", "start")).start());
        }
        for (Process p : restarting) {
            assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
        }
        JsonNode hub = awaitOverlay("s1", 2);
        assertThat(hub.path("mode").asText()).isIn("kernel", "wireguard-go");
        assertThat(hub.path("addresses").get(0).asText()).isEqualTo("10.40.0.1/24");
        JsonNode a1 = awaitOverlay("a1", 1);
        // an agent peers with the hub only, and the hub carries the other agent's addresses too
        assertThat(a1.path("peers").get(0).path("public_key").asText()).isEqualTo(hub.path("public_key").asText());
        assertThat(a1.path("peers").get(0).path("allowed_ips").toString()).contains("10.42.3.0/24", "10.40.0.3/32");
        assertThat(a1.path("container_subnet").asText()).isEqualTo("10.42.2.0/24");
        awaitOverlay("a2", 1);
        // the private key stays on the node
        Path keyFile = LAB_DIR.resolve("a1").resolve("data").resolve("network").resolve("wireguard.key");
        assertThat(java.nio.file.Files.getPosixFilePermissions(keyFile)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String privateKey = Files.readString(keyFile).strip();
        assertThat(a1.toString()).doesNotContain(privateKey);
        assertThat(Files.readString(LAB_DIR.resolve("a1").resolve("join.log"))).doesNotContain(privateKey);
    }

    @Test
    @Order(2)
    void aContainerOnOneAgentFetchesAPageFromAContainerOnTheOtherWhichSeesItsOwnAddress() throws Exception {
        Run web = yoqRun("a2", "run", "-d", "--name", "web", LAB_DIR.resolve("rootfs").toString(), "httpd", "-f", "-p", "80", "-h", "/www");
        assertThat(web.exit()).as(web.out()).isZero();
        String ip = null;
        for (JsonNode c : YoqServer.JSON.readTree(curl("a2", "/containers").out())) {
            if ("web".equals(c.path("name").asText())) ip = c.path("ip").asText();
        }
        assertThat(ip).as("web's address in a2's subnet").startsWith("10.42.3.");
        Run fetched = yoqRun("a1", "run", "--name", "client", LAB_DIR.resolve("rootfs").toString(), "sh", "-c",
                "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 10 " + ip + " 80; printf 'GET /cgi-bin/whoami HTTP/1.0\\r\\n\\r\\n' | nc -w 10 " + ip
                        + " 80");
        assertThat(fetched.out()).as(fetched.out() + fetched.err()).contains("200 OK").contains("hello from a yoq container");
        // the page saw the client container's own address (a1's subnet), not a1's overlay address 10.40.0.2
        // (busybox httpd writes it IPv4-mapped: [::ffff:10.42.2.2])
        assertThat(fetched.out()).as(fetched.out()).containsPattern("caller \\[?(::ffff:)?10\\.42\\.2\\.\\d+");
    }

    @Test
    @Order(3)
    void aClusterServicesVipAndNameReachItsReplicasOnBothAgentsFromEitherNode() throws Exception {
        String image = webImage = pushWebImage();
        Path manifest = Files.writeString(LAB_DIR.resolve("ovl.toml"), "app = \"ovl\"\n[service.web]\nimage = \"" + image + "\"\n"
                + "command = [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]\nreplicas = 2\ncpu = 100\nmemory_mb = 32\nports = [\"8088:80\"]\n"
                + "[service.web.http_proxy]\nhost = \"ovl.test\"\npath_prefix = \"/\"\n");
        Run up = yoqRun("s1", "up", "-f", manifest.toString());
        assertThat(up.exit()).as(up.out() + up.err() + "\na1: " + Files.readString(LAB_DIR.resolve("a1").resolve("join.log"))).isZero();
        // one replica on each agent (spread), each reported at its address; every node's server has the cluster's table
        JsonNode web = null;
        for (String node : List.of("a1", "a2")) {
            awaitCondition(() -> clusterService(node, "ovl-web").path("backends").size() == 2, node + " serves ovl-web with 2 backends");
            web = clusterService(node, "ovl-web");
        }
        assertThat(web.path("vip").asText()).isEqualTo("10.43.255.254");
        assertThat(web.path("backends").toString()).contains("10.42.2.").contains("10.42.3.");
        // a container on either node reaches both replicas by the service's name (the VIP) and by the VIP itself
        for (String node : List.of("a1", "a2")) {
            Run calls = yoqRun(node, "run", "--name", "vipclient", LAB_DIR.resolve("rootfs").toString(), "sh", "-c",
                    "for i in $(seq 1 16); do timeout 5 wget -q -O- http://web.ovl/cgi-bin/whoami; done; timeout 5 wget -q -O- http://10.43.255.254/");
            java.util.Set<String> replicas = new java.util.TreeSet<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("replica (\\S+)").matcher(calls.out());
            while (m.find()) replicas.add(m.group(1));
            assertThat(replicas).as(node + ": " + calls.out() + calls.err()).hasSize(2);
            assertThat(calls.out()).as("by VIP").contains("hello from a yoq container");
            yoqRun(node, "rm", "vipclient");
        }
        // the published port answers on every agent's address, from outside the cluster's containers (s1's host side),
        // with either replica: the node that took the call sends it through the overlay and gets the answer back
        for (String node : List.of("a1", "a2")) {
            String address = SUBNET + "." + (node.equals("a1") ? 101 : 102);
            Run calls = run(List.of(YoqServer.REPO.resolve("scripts/lab").toString(), "exec", "s1", "sh", "-c",
                    "for i in $(seq 1 16); do curl -s -m 5 http://" + address + ":8088/cgi-bin/whoami; done"), 120);
            java.util.Set<String> replicas = new java.util.TreeSet<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("replica (\\S+)").matcher(calls.out());
            while (m.find()) replicas.add(m.group(1));
            assertThat(replicas).as(node + ":8088: " + calls.out() + calls.err()).hasSize(2);
        }
        // and on a node's own loopback (a loopback source sent on through the overlay)
        Run local = run(List.of(YoqServer.REPO.resolve("scripts/lab").toString(), "exec", "a1", "sh", "-c",
                "for i in $(seq 1 16); do curl -s -m 5 http://127.0.0.1:8088/cgi-bin/whoami; done"), 120);
        java.util.Set<String> seen = new java.util.TreeSet<>();
        java.util.regex.Matcher lm = java.util.regex.Pattern.compile("replica (\\S+)").matcher(local.out());
        while (lm.find()) seen.add(lm.group(1));
        assertThat(seen).as("127.0.0.1:8088 on a1: " + local.out() + local.err()).hasSize(2);
        // the cluster's HTTP route at a1's edge (yoq-proxy) reaches the replicas on both agents
        awaitCondition(() -> curl("a1", "/v1/node/cluster-routes").out().contains("ovl.test"), "a1 has the cluster's routes");
        java.util.Set<String> routed = new java.util.TreeSet<>();
        awaitCondition(() -> {
            Run calls = run(List.of(YoqServer.REPO.resolve("scripts/lab").toString(), "exec", "a1", "sh", "-c",
                    "for i in $(seq 1 16); do curl -s -m 5 -H 'Host: ovl.test' http://127.0.0.1:17080/cgi-bin/whoami; done"), 120);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("replica (\\S+)").matcher(calls.out());
            while (m.find()) routed.add(m.group(1));
            return routed.size() == 2;
        }, "a1's edge routing ovl.test to both replicas (seen: " + routed + ")");
        // a network policy set on the cluster is enforced on the agents too: the blocked client reaches neither replica
        Run deny = yoqRun("s1", "policy", "deny", "blocked", "web");
        assertThat(deny.exit()).as(deny.out() + deny.err()).isZero();
        awaitCondition(() -> curl("a1", "/v1/node/cluster-policies").out().contains("\"source\":\"blocked\""), "a1 has the cluster's policy");
        Run blocked = yoqRun("a1", "run", "--name", "blocked", LAB_DIR.resolve("rootfs").toString(), "sh", "-c",
                "for i in $(seq 1 6); do timeout 3 wget -q -O- http://web.ovl/cgi-bin/whoami; done; echo done");
        assertThat(blocked.out()).as(blocked.out() + blocked.err()).contains("done").doesNotContain("replica");
        yoqRun("a1", "rm", "blocked");
        assertThat(yoqRun("s1", "policy", "rm", "blocked", "web").exit()).isZero();
        Run down = yoqRun("s1", "down", "--app", "ovl");
        assertThat(down.exit()).as(down.out() + down.err()).isZero();
        awaitCondition(() -> clusterService("a1", "ovl-web").isMissingNode(), "the VIP leaves with the app");
    }

    /** The lab's web image in its registry, pushed by test 3. */
    static String webImage;

    @Test
    @Order(4)
    void aLocalVolumeKeepsItsWorkOnItsAgentAcrossAReleaseRolledOutReplicaByReplica() throws Exception {
        assertThat(webImage).as("test 3 pushed the image").isNotNull();
        String head = "app = \"vol\"\n[service.store]\nimage = \"" + webImage + "\"\ncommand = [\"sh\", \"-c\", "
                + "\"trap 'exit 0' TERM; echo $GREETING >> /data/log; sleep 3600 & wait\"]\nvolumes = [\"data:/data\"]\ncpu = 100\n"
                + "memory_mb = 32\n[volume.data]\ndriver = \"local\"\n[service.web]\nimage = \"" + webImage + "\"\n"
                + "command = [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]\nreplicas = 2\ncpu = 100\nmemory_mb = 32\n";
        java.util.concurrent.CompletableFuture<Run> client = null;
        for (String greeting : List.of("one", "two")) {
            Path manifest = Files.writeString(LAB_DIR.resolve("vol-" + greeting + ".toml"), head.replace("[volume.data]",
                    "env = [\"GREETING=" + greeting + "\"]\n[volume.data]"));
            if (greeting.equals("two")) {   // a client on a2 calls the web service by name all through the second rollout
                awaitCondition(() -> clusterService("a2", "vol-web").path("backends").size() == 2, "a2 serves vol-web with 2 backends");
                client = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return yoqRun("a2", "run", "--name", "rollclient", LAB_DIR.resolve("rootfs").toString(), "sh", "-c",
                                "end=$(($(date +%s)+45)); ok=0; bad=0; while [ $(date +%s) -lt $end ]; do "
                                        + "if why=$(timeout 3 wget -q -O- http://web.vol/ 2>&1 >/dev/null); then ok=$((ok+1)); "
                                        + "else bad=$((bad+1)); echo \"failed at $(date +%s): $why; the name: $(timeout 2 nslookup web.vol 2>&1 | tail -3 | tr '\\n' ' ')\"; fi; "
                                        + "sleep 0.1; done; echo \"ok=$ok bad=$bad\"");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(5_000);   // the client's container started and calling
            }
            Run up = yoqRun("s1", "up", "-f", manifest.toString());
            assertThat(up.exit()).as(up.out() + up.err()).isZero();
            assertThat(up.out()).contains("completed");
        }
        // calls through the rollout: an old replica is drained (5 s) after every node dropped it, so none should fail
        Run calls = client.get(90, TimeUnit.SECONDS);
        yoqRun("a2", "rm", "rollclient");
        java.util.regex.Matcher counted = java.util.regex.Pattern.compile("ok=(\\d+) bad=(\\d+)").matcher(calls.out());
        assertThat(counted.find()).as(calls.out() + calls.err()).isTrue();
        System.out.println("OverlayLabIT: calls through a rolling release: " + counted.group() + "\n" + calls.out());
        // the goal is none; a loaded CI machine once saw 4 of 324 fail (docs/cluster.md), so the bound is 5 %
        int ok = Integer.parseInt(counted.group(1)), failedCalls = Integer.parseInt(counted.group(2));
        if (failedCalls > 0) {   // what a2 served then, to tell a dropped backend from a lost name
            System.out.println("OverlayLabIT: a2's cluster services after the rollout: " + curl("a2", "/v1/node/cluster-services").out()
                    + "\na2's dataplane: " + curl("a2", "/v1/status/dataplane").out());
        }
        assertThat(failedCalls * 20).as("failed calls during the rollout: " + counted.group() + "\n" + calls.out()).isLessThanOrEqualTo(ok + failedCalls);
        assertThat(ok).isGreaterThan(50);
        // the store's log is on one agent's disk, with a line from each release's replica: the second ran where the first did
        List<String> holders = new ArrayList<>();
        for (String node : List.of("a1", "a2")) {
            Path log = LAB_DIR.resolve(node).resolve("data").resolve("volumes").resolve("vol").resolve("data").resolve("log");
            if (Files.exists(log)) {
                holders.add(node);
                assertThat(Files.readString(log)).isEqualTo("one\ntwo\n");
            }
        }
        assertThat(holders).as("exactly one agent holds the volume").hasSize(1);
        // the web service rolled out over both agents again: its two new replicas serve, the old ones are gone
        JsonNode rows = YoqServer.JSON.readTree(curl("s1", "/v1/status").out());
        JsonNode web = null;
        for (JsonNode r : rows) if ("vol".equals(r.path("app").asText()) && "web".equals(r.path("name").asText())) web = r;
        assertThat(web).as(rows.toString()).isNotNull();
        assertThat(web.path("running").asInt()).isEqualTo(2);
        assertThat(web.path("replicas")).as("the new release's two, the old ones removed").hasSize(2);
        // the leader's rows carry what the agents measured of the replicas (their heartbeats' samples)
        awaitCondition(() -> {
            for (JsonNode r : YoqServer.JSON.readTree(curl("s1", "/v1/status").out())) {
                if ("vol".equals(r.path("app").asText()) && "web".equals(r.path("name").asText())) {
                    return r.path("memory_bytes").asLong() > 0 && r.path("uptime_secs").asLong() > 0
                            && r.path("replicas").get(0).path("memory_bytes").asLong() > 0;
                }
            }
            return false;
        }, "the agents' samples in the leader's status rows");
        // a release whose second web replica fails after the first replaced an old one: it fails, and the old one it
        // removed is placed again (the first new replica takes a marker in a local volume, so the second cannot)
        String httpd = "command = [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]\n";
        assertThat(head).contains(httpd);
        Path bad = Files.writeString(LAB_DIR.resolve("vol-three.toml"), head.replace(httpd, "volumes = [\"flag:/flag\"]\n"
                + "command = [\"sh\", \"-c\", \"mkdir /flag/once && exec httpd -f -p 80 -h /www\"]\n").replace(
                "[volume.data]", "env = [\"GREETING=three\"]\n[volume.data]"));
        Run failed = yoqRun("s1", "up", "-f", bad.toString());
        assertThat(failed.exit()).as(failed.out() + failed.err()).isNotZero();
        assertThat(failed.out() + failed.err()).containsPattern("the previous release keeps serving \\([1-9] of its replicas placed again\\)");
        awaitCondition(() -> {
            for (JsonNode r : YoqServer.JSON.readTree(curl("s1", "/v1/status").out())) {
                if ("vol".equals(r.path("app").asText()) && "web".equals(r.path("name").asText())) {
                    return r.path("running").asInt() == 2 && r.path("replicas").size() == 2;
                }
            }
            return false;
        }, "the previous release's web whole again");
        Run down = yoqRun("s1", "down", "--app", "vol");
        assertThat(down.exit()).as(down.out() + down.err()).isZero();
    }

    @Test
    @Order(5)
    void whileTheLowestHubIsDownAgentsReachEachOtherThroughTheNextHub() throws Exception {
        join("a3", "both");   // a second hub (node id 4): it peers with every node and forwards
        awaitOverlay("a3", 3);
        String s1Key = awaitOverlay("s1", 3).path("public_key").asText();
        String a3Key = awaitOverlay("a3", 3).path("public_key").asText();
        awaitCondition(() -> carrier("a1", "10.42.3.0/24").equals(s1Key), "a1 reaches a2 through s1, the lowest hub");
        // s1's hub goes away (its join ends, its interface too); the servers stop hearing it and the agents move
        joins.get(0).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertThat(run(List.of(YoqServer.REPO.resolve("scripts/lab").toString(), "exec", "s1", "ip", "link", "del", "wg-yoq"), 30).exit()).isZero();
        long downAt = System.nanoTime();
        awaitCondition(() -> carrier("a1", "10.42.3.0/24").equals(a3Key) && carrier("a2", "10.42.2.0/24").equals(a3Key),
                Duration.ofSeconds(120), "a1 and a2 relayed by a3");
        System.out.println("OverlayLabIT: relay moved to a3 " + Duration.ofNanos(System.nanoTime() - downAt).toSeconds() + " s after s1's hub went down");
        JsonNode peers = YoqServer.JSON.readTree(curl("s1", "/wireguard/peers").out());
        assertThat(peers.get(0).path("online").asBoolean(true)).as(peers.toString()).isFalse();
        String ip = null;
        for (JsonNode c : YoqServer.JSON.readTree(curl("a2", "/containers").out())) {
            if ("web".equals(c.path("name").asText())) ip = c.path("ip").asText();
        }
        Run fetched = yoqRun("a1", "run", "--name", "client2", LAB_DIR.resolve("rootfs").toString(), "sh", "-c",
                "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 10 " + ip + " 80");
        assertThat(fetched.out()).as(fetched.out() + fetched.err()).contains("hello from a yoq container");
    }

    /** The public key of the peer that carries {@code prefix} in {@code node}'s overlay ("" when none does). */
    static String carrier(String node, String prefix) throws Exception {
        Run r = curl(node, "/v1/node/overlay");
        if (r.exit() != 0 || !r.out().startsWith("{")) return "";
        for (JsonNode p : YoqServer.JSON.readTree(r.out()).path("peers")) {
            for (JsonNode a : p.path("allowed_ips")) if (prefix.equals(a.asText())) return p.path("public_key").asText();
        }
        return "";
    }

    /** The node's cluster service {@code name} as its server serves it (a missing node when it has none). */
    static JsonNode clusterService(String node, String name) throws Exception {
        Run r = curl(node, "/v1/node/cluster-services");
        if (r.exit() != 0 || !r.out().startsWith("[")) return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        for (JsonNode s : YoqServer.JSON.readTree(r.out())) if (name.equals(s.path("name").asText())) return s;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /**
     * The demo root filesystem as an image, with a CGI page naming the replica that answers, pushed to a registry
     * started in s1's namespace on its lab address (lab down ends it).
     */
    static String pushWebImage() throws Exception {
        Path dir = Files.createDirectories(LAB_DIR.resolve("registry"));
        Path cgi = LAB_DIR.resolve("rootfs").resolve("www").resolve("cgi-bin").resolve("whoami");
        Files.writeString(cgi, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\nreplica %s caller %s\\n' \"$(hostname)\" \"$REMOTE_ADDR\"\n");
        Files.writeString(dir.resolve("config.yml"), "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: "
                + dir.resolve("storage") + "\nhttp:\n  addr: " + REGISTRY + "\n");
        ProcessBuilder registry = new ProcessBuilder(YoqServer.REPO.resolve("scripts/lab").toString(), "exec", "s1", "docker-registry", "serve",
                dir.resolve("config.yml").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile());
        registry.environment().putAll(java.util.Map.of("YOQ_LAB_NAME", LAB, "YOQ_LAB_SUBNET", SUBNET, "YOQ_LAB_DIR", LAB_DIR.toString(), "YOQ_API_PLAIN_HTTP", "1"));
        joins.add(registry.start());
        String image = REGISTRY + "/it/web:1";
        Run oci = run(List.of("sh", "-c", "cd " + dir + " && rm -rf oci bundle && umoci init --layout oci && umoci new --image oci:t && "
                + "umoci unpack --image oci:t bundle && cp -a " + LAB_DIR.resolve("rootfs") + "/. bundle/rootfs/ && umoci repack --image oci:t bundle"), 120);
        assertThat(oci.exit()).as(oci.out() + oci.err()).isZero();
        Run push = null;
        for (int i = 0; i < 20 && (push == null || push.exit() != 0); i++) {
            if (push != null) Thread.sleep(500);
            push = run(List.of(YoqServer.REPO.resolve("scripts/lab").toString(), "exec", "s1", "skopeo", "copy", "--quiet", "--dest-tls-verify=false",
                    "oci:" + dir.resolve("oci") + ":t", "docker://" + image), 60);
        }
        assertThat(push.exit()).as(push.out() + push.err() + Files.readString(dir.resolve("log"))).isZero();
        return image;
    }

    // ---- the lab and its nodes ----

    record Run(int exit, String out, String err) {}

    static Run lab(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(YoqServer.REPO.resolve("scripts/lab").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, 120);
    }

    static Run run(List<String> cmd, int seconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(java.util.Map.of("YOQ_LAB_NAME", LAB, "YOQ_LAB_SUBNET", SUBNET, "YOQ_LAB_DIR", LAB_DIR.toString(), "YOQ_API_PLAIN_HTTP", "1"));
        Path out = Files.createTempFile("overlay-it", ".out");
        Path err = Files.createTempFile("overlay-it", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(cmd + ": not done within " + seconds + " s");
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** bin/yoq inside {@code node}'s namespaces as that node: its own server, data, subnet and cgroup parent. */
    static ProcessBuilder yoq(String node, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(YoqServer.REPO.resolve("scripts/lab").toString(), "exec", node, "env",
                "YOQ_SERVER_NAME=" + LAB + "-" + node, "YOQ_DATA_DIR=" + LAB_DIR.resolve(node).resolve("data"),
                // s1 and a3 are given their subnets up front; a1 and a2 start on the default and take the one join keeps for them
                node.equals("s1") || node.equals("a3") ? "YOQ_SUBNET=" + subnet(node) : "LAB_NODE=" + node, "YOQ_CGROUP_PARENT=" + LAB + "_" + node, "YOQ_DATAPLANE=nftables",
                "YOQ_TOKEN=" + API_TOKEN, "YOQ_REGISTRIES_INSECURE=" + REGISTRY));
        // a1 runs the edge (yoq-proxy on its loopback, in a directory of the lab's: the cluster's HTTP routes); the others none
        cmd.addAll(node.equals("a1") ? List.of("YOQ_PROXY_DIR=" + LAB_DIR.resolve("a1").resolve("proxy"), "YOQ_PROXY_HEAP_MB=64",
                "YOQ_PROXY_ADDRESS=127.0.0.1", "YOQ_PROXY_HTTPS_PORT=0", "YOQ_PROXY_ACME_PORT=0") : List.of("YOQ_PROXY=off"));
        cmd.add(YoqServer.REPO.resolve("bin/yoq").toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(java.util.Map.of("YOQ_LAB_NAME", LAB, "YOQ_LAB_SUBNET", SUBNET, "YOQ_LAB_DIR", LAB_DIR.toString(), "YOQ_API_PLAIN_HTTP", "1"));
        return pb;
    }

    static Run yoqRun(String node, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(yoq(node, List.of(args)).command());
        return run(cmd, 120);
    }

    /** {@code yoq join} in {@code node}, through s1, until killed; returns once it registered. */
    static void join(String node, String role) throws Exception {
        Path log = LAB_DIR.resolve(node).resolve("join.log");
        joins.add(yoq(node, List.of("join", SUBNET + ".1", "--token", JOIN_TOKEN, "--role", role))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("joined the cluster")) return;
            Thread.sleep(250);
        }
        throw new AssertionError(node + " did not join: " + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void awaitCondition(Check check, String what) throws Exception {
        awaitCondition(check, Duration.ofSeconds(60), what);
    }

    static void awaitCondition(Check check, Duration within, String what) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) return;
            Thread.sleep(500);
        }
        throw new AssertionError(what + ": not within " + within.toSeconds() + " s");
    }

    /** The node's overlay once it has {@code peers} peers, each with a completed handshake (60 s at most). */
    static JsonNode awaitOverlay(String node, int peers) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            Run r = curl(node, "/v1/node/overlay");
            if (r.exit() == 0 && r.out().startsWith("{")) {
                last = YoqServer.JSON.readTree(r.out());
                boolean shaken = last.path("peers").size() == peers;
                for (JsonNode p : last.path("peers")) shaken &= p.path("latest_handshake").asLong() > 0;
                if (last.path("up").asBoolean() && shaken) return last;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(node + "'s overlay not up with " + peers + " peer(s) in 60 s: " + last + "\njoin: "
                + Files.readString(LAB_DIR.resolve(node).resolve("join.log")));
    }

    /** curl to the node's own server on its loopback, with the API token. */
    static Run curl(String node, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(YoqServer.REPO.resolve("scripts/lab").toString(), "exec", node,
                "curl", "-s", "-m", "30", "-H", "Authorization: Bearer " + API_TOKEN));
        for (String a : args) cmd.add(a.startsWith("/") ? "http://127.0.0.1:7700" + a : a);
        return run(cmd, 60);
    }
}
