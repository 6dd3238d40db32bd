package dev.yoq.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.cluster.Replication;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three real cluster servers (Liberty + the EAR, started by {@code yoq init-server}) in a lab of their own
 * ({@code scripts/lab}, namespaces {@code yoqcls-s1..3} on 10.239.2.0/24), without node helpers: leadership,
 * writes on the leader only, replication, a killed leader, a restarted server catching up, step-down; then two
 * agents ({@code yoq join} in {@code a1}, {@code a2}): registration, heartbeats, drain and the offline rule; last,
 * an app's replicas on two agents that run them through the test server (deployed here for that).
 */
@org.junit.jupiter.api.extension.ExtendWith(org.jboss.arquillian.junit5.ArquillianExtension.class)
@org.jboss.arquillian.container.test.api.RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterServersIT {
    static final String LAB = "yoqcls";
    static final String SUBNET = "10.239.2";
    static final Path LAB_DIR = Path.of("/var/tmp/" + LAB);
    static final String API_TOKEN = "c1".repeat(32);
    static final String JOIN_TOKEN = "cluster-it-join-token";
    static final String PEERS = "1@" + SUBNET + ".1:9700,2@" + SUBNET + ".2:9700,3@" + SUBNET + ".3:9700";
    static final Path SERVERS = YoqServer.SERVER_DIR.getParent();
    static boolean up;
    @org.junit.jupiter.api.io.TempDir
    static Path tmp;

    static String address(int id) { return SUBNET + "." + id + ":7700"; }

    static String serverName(int id) { return LAB + "-s" + id; }

    @org.jboss.arquillian.container.test.api.Deployment(testable = false)
    static org.jboss.shrinkwrap.api.spec.EnterpriseArchive deployment() {
        return YoqServer.ear();
    }

    @BeforeAll
    static void startThreeServers() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            System.err.println("*** SKIPPED ClusterServersIT: the lab needs root (network and mount namespaces) ***");
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "needs root");
        }
        lab("down");   // whatever a killed earlier run left
        CliIT.Run lab = lab("up", "--servers", "3", "--agents", "2");
        assertThat(lab.exit()).as(lab.err()).isZero();
        for (int id = 1; id <= 3; id++) copyTheProductionServer(serverName(id));
        List<Process> starting = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            starting.add(inNode(id, "init-server", "--id", String.valueOf(id), "--peers", PEERS, "--token", JOIN_TOKEN,
                    "--api-token", API_TOKEN, "--log-format", "text"));
        }
        for (Process p : starting) {
            assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("init-server finished").isTrue();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("ready: API on 0.0.0.0:7700");
        }
        up = true;
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (int id = 1; id <= 3; id++) {
            new ProcessBuilder("pkill", "-9", "-f", "ws-server.jar " + serverName(id)).start().waitFor();
        }
        // keep what the servers and agents logged for a failure's reader, then remove everything the lab made
        Path keep = Path.of("target", "cluster-servers-it");
        Files.createDirectories(keep);
        for (int id = 1; id <= 3; id++) {
            Path log = SERVERS.resolve(serverName(id)).resolve("logs/messages.log");
            if (Files.exists(log)) Files.copy(log, keep.resolve("s" + id + "-messages.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        for (int n = 1; n <= 2; n++) {
            Path log = LAB_DIR.resolve("a" + n + "-join.log");
            if (Files.exists(log)) Files.copy(log, keep.resolve("a" + n + "-join.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        lab("down");
        for (int id = 1; id <= 3; id++) ServerLifecycleIT.deleteTree(SERVERS.resolve(serverName(id)));
    }

    @Test
    @Order(1)
    void the_three_agree_on_one_leader_and_answer_for_each_other() throws Exception {
        int leader = awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
        for (int id = 1; id <= 3; id++) {
            JsonNode s = get(id, "/cluster/status");
            assertThat(s.path("cluster").asBoolean()).isTrue();
            assertThat(s.path("id").asInt()).isEqualTo(id);
            assertThat(s.path("peers").asInt()).isEqualTo(2);
            assertThat(s.path("role").asText()).isEqualTo(id == leader ? "leader" : "follower");
            assertThat(s.path("leader").asText()).isEqualTo(address(leader));
        }
        JsonNode peers = get(1, "/cluster/peers/info");
        assertThat(peers).hasSize(3);
        for (JsonNode p : peers) assertThat(p.path("reachable").asInt()).as(p.toString()).isEqualTo(1);

        CliIT.Run preflight = CliIT.yoq(java.util.Map.of("YOQ_API_PLAIN_HTTP", "1"), "upgrade", "preflight", "--server", address(leader), "--token", API_TOKEN);
        assertThat(preflight.exit()).as(preflight.out() + preflight.err()).isZero();
        assertThat(preflight.out()).contains("pass  version-skew  all 3 servers run").contains("clock-skew")
                .contains("bpf-headroom");
    }

    @Test
    @Order(2)
    void writes_go_to_the_leader_and_reach_every_server() throws Exception {
        int leader = awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
        int follower = leader % 3 + 1;
        HttpResponse<String> refused = post(follower, "/v1/policies", "{\"source\":\"web\",\"target\":\"db\",\"action\":\"allow\"}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(YoqServer.JSON.readTree(refused.body()).path("error").asText()).isEqualTo("not leader");
        assertThat(YoqServer.JSON.readTree(refused.body()).path("leader").asText()).isEqualTo(address(leader));

        assertThat(post(leader, "/v1/policies", "{\"source\":\"web\",\"target\":\"db\",\"action\":\"allow\"}").statusCode()).isEqualTo(200);
        for (int id = 1; id <= 3; id++) awaitPolicies(id, 1);

        HttpResponse<String> pause = post(leader, "/apps/shop/rollout/pause", "{}");
        assertThat(pause.statusCode()).as("a cluster serves rollout control: this app has no active release").isEqualTo(404);
        assertThat(pause.body()).contains("no active release");
        assertThat(post(leader, "/deploy", "{}").body()).contains("not available on a cluster yet");
        HttpResponse<String> rollback = post(leader, "/apps/shop/rollback", "{}");
        assertThat(rollback.statusCode()).as("a cluster serves rollback: this app has nothing to go back to").isEqualTo(404);

        // the cluster's one service CA: made by the leader, replicated, the same on every server
        awaitCondition(() -> {
            java.util.Set<String> cas = new java.util.HashSet<>();
            for (int id = 1; id <= 3; id++) {
                HttpResponse<String> ca = YoqServer.HTTP.send(request(id, "/cluster/ca").GET().build(), HttpResponse.BodyHandlers.ofString());
                if (ca.statusCode() != 200) return false;
                cas.add(YoqServer.JSON.readTree(ca.body()).path("cert_pem").asText());
            }
            return cas.size() == 1 && cas.iterator().next().startsWith("-----BEGIN CERTIFICATE-----");
        }, Duration.ofSeconds(90), "one service CA on every server");
    }

    @Test
    @Order(3)
    void a_killed_leader_is_replaced_and_nothing_acknowledged_is_lost_and_it_catches_up() throws Exception {
        int old = awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
        new ProcessBuilder("pkill", "-9", "-f", "ws-server.jar " + serverName(old)).start().waitFor();
        long killedAt = System.nanoTime();
        List<Integer> survivors = new ArrayList<>(List.of(1, 2, 3));
        survivors.remove(Integer.valueOf(old));
        int next = awaitLeader(survivors, Duration.ofSeconds(20));
        long electionMs = (System.nanoTime() - killedAt) / 1_000_000;
        // the 5 s goal is a distribution under the spec's 1.5-3 s election timeout, measured over many kills by
        // bench/failover.sh (RaftFaultIT says why); here: an election at all, well within twice the goal
        System.out.printf("new leader s%d %d ms after killing s%d%n", next, electionMs, old);
        assertThat(electionMs).as("a new leader after %d ms", electionMs).isLessThan(10_000);

        assertThat(post(next, "/v1/policies", "{\"source\":\"web\",\"target\":\"cache\",\"action\":\"deny\"}").statusCode()).isEqualTo(200);
        for (int id : survivors) awaitPolicies(id, 2);

        Process restart = inNode(old, "server", "start");
        assertThat(restart.waitFor(240, TimeUnit.SECONDS)).isTrue();
        assertThat(restart.exitValue()).as(new String(restart.getInputStream().readAllBytes())).isZero();
        awaitPolicies(old, 2);
        awaitIdenticalTables();
    }

    @Test
    @Order(4)
    void step_down_hands_leadership_to_another_server() throws Exception {
        int leader = awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
        int follower = leader % 3 + 1;
        HttpResponse<String> refused = post(follower, "/cluster/step-down", "");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("\"transferred\":false").contains("not leader");
        HttpResponse<String> done = post(leader, "/cluster/step-down", "");
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).isEqualTo("{\"transferred\":true}");
        assertThat(get(leader, "/cluster/status").path("role").asText()).isNotEqualTo("leader");
        assertThat(awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(10))).isNotEqualTo(leader);
    }

    @Test
    @Order(5)
    void agents_join_heartbeat_drain_and_a_silent_one_goes_offline() throws Exception {
        int leader = awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
        HttpResponse<String> wrong = post(leader, "/agents/register", "{\"token\":\"guess\",\"address\":\"10.239.2.101\",\"cpu_cores\":2,\"memory_mb\":512}");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).isEqualTo("{\"error\":\"invalid token\"}");
        HttpResponse<String> zero = post(leader, "/agents/register", "{\"token\":\"" + JOIN_TOKEN + "\",\"address\":\"10.239.2.101\",\"cpu_cores\":0,\"memory_mb\":512}");
        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(zero.body()).contains("cpu_cores must be 1-10000");

        int follower = leader % 3 + 1;
        Process a1 = agent(1, follower);   // joins through a follower: follows the leader hint
        Process a2 = agent(2, leader);
        try {
            agentsRegisterDrainAndGoOffline(leader, follower, a2);
        } finally {
            a1.destroyForcibly();
            a2.destroyForcibly();
        }
    }

    private void agentsRegisterDrainAndGoOffline(int leader, int follower, Process a2) throws Exception {
        JsonNode agents = awaitAgents(follower, 2, "active");
        for (JsonNode a : agents) {
            assertThat(a.path("id").asText()).matches("[0-9a-f]{12}");
            assertThat(a.path("address").asText()).startsWith(SUBNET + ".10");
            assertThat(a.path("cpu_cores").asInt()).isPositive();
            assertThat(a.path("memory_mb").asLong()).isPositive();
        }
        String a1Id = idOf(agents, SUBNET + ".101");
        String a2Id = idOf(agents, SUBNET + ".102");
        // an operator's route: the join token does not list agents
        HttpResponse<String> withJoinToken = YoqServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address(leader) + "/agents"))
                .header("Authorization", "Bearer " + JOIN_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withJoinToken.statusCode()).isEqualTo(401);

        CliIT.Run nodes = CliIT.yoq(java.util.Map.of("YOQ_API_PLAIN_HTTP", "1"), "nodes", "--server", address(follower), "--token", API_TOKEN);
        assertThat(nodes.exit()).as(nodes.err()).isZero();
        assertThat(nodes.out()).contains("ID").contains("STATUS").contains(a1Id).contains(a2Id).contains("active");

        // a replica's address must be one: refused before anything is recorded; the services table is served to agents
        HttpResponse<String> badIp = post(leader, "/agents/" + a1Id + "/assignments/nosuch/status", "{\"status\":\"running\",\"ip\":\"10.42.2\"}");
        assertThat(badIp.statusCode()).isEqualTo(400);
        assertThat(badIp.body()).isEqualTo("{\"error\":\"ip: not an IPv4 address\"}");
        assertThat(get(follower, "/agents/" + a1Id + "/services").isArray()).isTrue();

        HttpResponse<String> drained = post(leader, "/agents/" + a1Id + "/drain", "");
        assertThat(drained.body()).isEqualTo("{\"status\":\"draining\"}");

        a2.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        long silentAt = System.nanoTime();
        awaitAgentStatus(follower, a2Id, "offline", Duration.ofSeconds(70));
        long offlineAfterMs = (System.nanoTime() - silentAt) / 1_000_000;
        assertThat(offlineAfterMs).as("offline after %d ms", offlineAfterMs).isGreaterThanOrEqualTo(25_000);
        // the drained agent keeps heartbeating and stays draining (sticky)
        awaitAgentStatus(follower, a1Id, "draining", Duration.ofSeconds(5));
    }

    @Test
    @Order(6)
    void a_cut_off_leader_cannot_commit_the_majority_can_and_after_healing_all_tables_are_identical() throws Exception {
        int old = awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
        int policiesBefore = get(old, "/v1/policies").size();
        assertThat(lab("isolate", "s" + old).exit()).isZero();
        try {
            List<Integer> majority = new ArrayList<>(List.of(1, 2, 3));
            majority.remove(Integer.valueOf(old));
            int next = awaitLeader(majority, Duration.ofSeconds(15));
            assertThat(post(next, "/v1/policies", "{\"source\":\"api\",\"target\":\"db\",\"action\":\"allow\"}").statusCode()).isEqualTo(200);

            // the cut-off server, asked on its own loopback: not leader any more, or no majority to commit (503)
            String answer = curlInside(old, "-X", "POST", "-H", "Content-Type: application/json", "-d",
                    "{\"source\":\"lost\",\"target\":\"db\",\"action\":\"allow\"}", "http://127.0.0.1:7700/v1/policies");
            assertThat(answer).matches("(?s).*(\"not leader\"|not_committed).*(400|503)$");
        } finally {
            assertThat(lab("heal", "s" + old).exit()).isZero();
        }
        awaitPolicies(old, policiesBefore + 1);
        awaitIdenticalTables();
        for (int id = 1; id <= 3; id++) {
            assertThat(get(id, "/v1/policies").toString()).contains("\"api\"").doesNotContain("\"lost\"");
        }
    }

    @Test
    @Order(7)
    void apps_on_agents_spread_cut_over_on_health_roll_back_through_a_leaders_death_move_off_dead_or_drained_agents_run_workers_and_crons_and_go_with_down()
            throws Exception {
        int leader = awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
        // the agents join through the leader: once it is killed below they go on with the servers its heartbeat
        // answers listed
        String server = SUBNET + "." + leader;
        try (ClusterAgentsLane lane = ClusterAgentsLane.start(tmp)) {
            CliIT.Run none = lane.tryUp(address(leader), API_TOKEN, "clunone", "1");   // the lab's agents are draining or offline
            assertThat(none.exit()).as(none.out() + none.err()).isNotZero();
            assertThat(none.err()).contains("no agents available");
            lane.agent(1, server, JOIN_TOKEN);
            Process h2 = lane.agent(2, server, JOIN_TOKEN);
            awaitHostAgents(leader, 2);
            String a1 = lane.agentId(1), a2 = lane.agentId(2);
            // SWIM over UDP between the lab's servers and the host's agents, frames signed with the join token's key
            int gossipLeader = leader;
            awaitCondition(() -> get(gossipLeader, "/cluster/status").path("gossip").path("alive").asInt() >= 4, Duration.ofSeconds(30),
                    "the leader's gossip holding the other servers and both agents alive", () -> get(gossipLeader, "/cluster/status").toString());
            String app = "clu" + Long.toHexString(System.nanoTime() & 0xffffff);
            CliIT.Run up = lane.up(address(leader), API_TOKEN, app, "3600");
            assertThat(up.out()).contains("completed");
            for (String id : List.of(a1, a2)) {
                assertThat(ClusterAgentsLane.assignments(address(leader), id, API_TOKEN)).as("spread over both agents").hasSize(2)
                        .allMatch(a -> a.path("status").asText().equals("running") && a.path("app_name").asText().equals(app));
            }
            // each agent's routes take its own token: not another agent's, and not the join token every agent holds
            String token1 = lane.agentToken(1);
            assertThat(ClusterAgentsLane.assignments(address(leader), a1, token1)).hasSize(2);
            assertThat(ClusterAgentsLane.assignmentsReply(address(leader), a2, token1).statusCode()).isEqualTo(401);
            assertThat(ClusterAgentsLane.assignmentsReply(address(leader), a1, JOIN_TOKEN).statusCode()).isEqualTo(401);
            assertThat(post(leader, "/agents/register", "{\"token\":\"" + token1 + "\",\"address\":\"10.239.2.109\",\"cpu_cores\":1,"
                    + "\"memory_mb\":64}").body()).as("an agent's token does not register agents").isEqualTo("{\"error\":\"invalid token\"}");
            java.util.Map<String, String> first = ClusterAgentsLane.agentContainers();
            assertThat(first).hasSize(4).allSatisfy((name, status) -> assertThat(status).isEqualTo("running"));
            // an exec gets its own environment (as on a single node): the replica's processes show the manifest's
            assertThat(ClusterAgentsLane.execIn(first.keySet().iterator().next(), "sh", "-c", "cat /proc/[0-9]*/environ"))
                    .as("the manifest's env").contains("GREETING=hello-3600");
            JsonNode row = serviceRow(leader, app);
            assertThat(row.path("running").asInt()).isEqualTo(4);
            assertThat(row.path("desired").asInt()).isEqualTo(4);
            assertThat(row.path("status").asText()).isEqualTo("running");
            assertThat(row.path("health").asText()).as("each replica reported running only after its check passed").isEqualTo("healthy");

            // the next release replaces every replica: the old ones go once all new ones run
            assertThat(lane.up(address(leader), API_TOKEN, app, "3601").out()).contains("completed");
            assertRelease(leader, a1, a2, "sleep 3601 & wait");
            awaitReplaced(first.keySet());

            // back to the first release's manifest, and the leader killed while that release is in progress: the
            // next leader follows the same release to its cutover
            java.util.Set<String> second = ClusterAgentsLane.agentContainers().keySet();
            int killed = leader;
            java.util.concurrent.CompletableFuture<?> rollback = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    post(killed, "/apps/" + app + "/rollback", "{}");
                } catch (Exception expected) {   // its server is killed under it
                }
            });
            String rollbackId = awaitRelease(killed, app, "rollback", "in_progress", Duration.ofSeconds(20));
            new ProcessBuilder("pkill", "-9", "-f", "ws-server.jar " + serverName(killed)).start().waitFor();
            List<Integer> survivors = new ArrayList<>(List.of(1, 2, 3));
            survivors.remove(Integer.valueOf(killed));
            int lead = awaitLeader(survivors, Duration.ofSeconds(20));
            assertThat(awaitRelease(lead, app, "rollback", "completed", Duration.ofSeconds(90))).as("the same release, taken up")
                    .isEqualTo(rollbackId);
            rollback.get(30, TimeUnit.SECONDS);
            assertRelease(lead, a1, a2, "sleep 3600 & wait");
            awaitReplaced(second);

            // a release whose replicas fail their health check fails, and the serving replicas stay
            java.util.Set<String> serving = ClusterAgentsLane.agentContainers().keySet();
            CliIT.Run unhealthy = lane.tryUp(address(lead), API_TOKEN, app, "3602", "test -f /tmp/never");
            assertThat(unhealthy.exit()).as(unhealthy.out() + unhealthy.err()).isNotZero();
            assertThat(unhealthy.out() + unhealthy.err()).contains("health check failed");
            assertRelease(lead, a1, a2, "sleep 3600 & wait");
            awaitCondition(() -> ClusterAgentsLane.agentContainers().keySet().equals(serving), Duration.ofSeconds(30),
                    "the failed release's containers removed, the serving ones kept");

            // a serving replica stopped on its node is reported stopped and repaired: a new one runs in its place
            String stopped = serving.iterator().next();
            ClusterAgentsLane.stopContainer(stopped);
            awaitCondition(() -> {
                java.util.Map<String, String> now = ClusterAgentsLane.agentContainers();
                int running = 0, assigned = 0;
                for (String id : List.of(a1, a2)) {
                    for (JsonNode a : ClusterAgentsLane.assignments(address(lead), id, API_TOKEN)) {
                        assigned++;
                        if ("running".equals(a.path("status").asText()) && a.path("command").asText().contains("sleep 3600 & wait")) running++;
                    }
                }
                return now.size() == 4 && !now.containsKey(stopped) && now.values().stream().allMatch("running"::equals)
                        && assigned == 4 && running == 4;
            }, Duration.ofSeconds(120), "the stopped replica replaced and its assignment gone", () -> ClusterAgentsLane.agentContainers()
                    + "\n" + ClusterAgentsLane.assignments(address(lead), a1, API_TOKEN) + "\n" + ClusterAgentsLane.assignments(address(lead), a2, API_TOKEN));

            h2.destroyForcibly().waitFor(10, TimeUnit.SECONDS);   // a dead agent: its work comes back after the offline rule
            awaitRunning(lead, a1, 4, Duration.ofSeconds(90), lane);
            lane.agent(2, SUBNET + "." + lead, JOIN_TOKEN);     // back, same id: it stops what is no longer its
            awaitAgentStatus(lead, a2, "active", Duration.ofSeconds(30));
            assertThat(post(lead, "/agents/" + a1 + "/drain", "").statusCode()).isEqualTo(200);
            awaitRunning(lead, a2, 4, Duration.ofSeconds(60), lane);
            awaitCondition(() -> ClusterAgentsLane.assignments(address(lead), a1, API_TOKEN).isEmpty()
                    && ClusterAgentsLane.agentContainers().size() == 4, Duration.ofSeconds(60), "drained agent emptied",
                    () -> "a1 " + ClusterAgentsLane.assignments(address(lead), a1, API_TOKEN) + "\na2 "
                            + ClusterAgentsLane.assignments(address(lead), a2, API_TOKEN) + "\ncontainers "
                            + ClusterAgentsLane.agentContainers() + "\n" + lane.agentLog(1) + lane.agentLog(2));

            // a worker's run goes to an agent that takes work (a1 is drained); the CLI follows it to its exit code, and
            // the ended runs keep their containers (their output) while they are on record
            CliIT.Run ok = CliIT.yoq(java.util.Map.of("YOQ_API_PLAIN_HTTP", "1"), "--server", address(lead), "--token", API_TOKEN, "run-worker", "--app", app, "ok");
            assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.err()).contains("worker ok succeeded").contains("on agent " + a2 + ": exited with code 0");
            CliIT.Run bad = CliIT.yoq(java.util.Map.of("YOQ_API_PLAIN_HTTP", "1"), "--server", address(lead), "--token", API_TOKEN, "run-worker", "--app", app, "bad");
            assertThat(bad.exit()).as(bad.out() + bad.err()).isEqualTo(3);
            assertThat(bad.err()).contains("worker bad failed with exit code 3");
            JsonNode runs = get(lead, "/apps/" + app + "/runs");
            assertThat(runs).hasSize(2);
            assertThat(runs.get(0).path("name").asText()).isEqualTo("bad");
            assertThat(runs.get(0).path("outcome").asText()).isEqualTo("failed");
            assertThat(runs.get(0).path("exit_code").asInt()).isEqualTo(3);
            assertThat(runs.get(1).path("outcome").asText()).isEqualTo("succeeded");
            assertThat(runs.get(1).path("exit_code").asInt()).isZero();
            for (JsonNode r : runs) {   // when the servers took its agent's report that it ended
                assertThat(r.path("finished_at").asLong()).as(r.toString()).isPositive().isGreaterThanOrEqualTo(r.path("started_at").asLong());
            }
            java.util.Map<String, String> withRuns = ClusterAgentsLane.agentContainers();
            String okContainer = withRuns.keySet().stream().filter(n -> n.endsWith("-ok")).findFirst().orElseThrow();
            assertThat(withRuns).hasSize(6).containsEntry(okContainer, "exited");
            assertThat(ClusterAgentsLane.logsOf(okContainer)).as("the worker's env and output").contains("migrated hello-3600");
            assertThat(ClusterAgentsLane.assignments(address(lead), a2, API_TOKEN)).as("the runs beside the 4 replicas").hasSize(6);

            // a cron runs on an agent once per slot, also when the leader dies: the killed server back first, so that a
            // majority survives the next kill
            Process restart = inNode(killed, "server", "start");
            assertThat(restart.waitFor(240, TimeUnit.SECONDS)).isTrue();
            assertThat(restart.exitValue()).as(new String(restart.getInputStream().readAllBytes())).isZero();
            awaitIdenticalTables();
            String cronApp = app + "c";
            long appliedAt = System.currentTimeMillis();
            CliIT.Run cronUp = lane.upCron(address(lead), API_TOKEN, cronApp, "10s");
            assertThat(cronUp.exit()).as(cronUp.out() + cronUp.err()).isZero();
            assertThat(cronUp.out()).contains("completed");
            awaitCondition(() -> cronRuns(lead, cronApp, "succeeded") >= 2, Duration.ofSeconds(90), "two cron runs",
                    () -> get(lead, "/apps/" + cronApp + "/runs").toString());
            new ProcessBuilder("pkill", "-9", "-f", "ws-server.jar " + serverName(lead)).start().waitFor();
            List<Integer> rest = new ArrayList<>(List.of(1, 2, 3));
            rest.remove(Integer.valueOf(lead));
            int last = awaitLeader(rest, Duration.ofSeconds(20));
            int beforeKill = Math.max(2, cronRuns(last, cronApp, "succeeded"));   // the new leader may not have applied the last report yet
            // the agents follow the next leader within a few 5 s cycles; a slower machine gets room to spare
            awaitCondition(() -> cronRuns(last, cronApp, "succeeded") >= beforeKill + 2, Duration.ofSeconds(90), "cron runs under the next leader",
                    () -> get(last, "/apps/" + cronApp + "/runs").toString());
            JsonNode cronRuns = get(last, "/apps/" + cronApp + "/runs");
            long slots = (System.currentTimeMillis() - appliedAt) / 10_000;
            assertThat(cronRuns.size()).as("at most one run per 10 s slot: %s", cronRuns).isBetween(4, (int) slots);
            java.util.Set<String> runIds = new java.util.HashSet<>();
            for (JsonNode r : cronRuns) {
                assertThat(r.path("kind").asText()).isEqualTo("cron");
                assertThat(runIds.add(r.path("id").asText())).isTrue();
            }
            CliIT.Run cronDown = CliIT.yoq(java.util.Map.of("YOQ_API_PLAIN_HTTP", "1"), "--server", address(last), "--token", API_TOKEN, "down", "--app", cronApp);
            assertThat(cronDown.exit()).as(cronDown.out() + cronDown.err()).isZero();
            awaitCondition(() -> ClusterAgentsLane.agentContainers().keySet().stream().noneMatch(n -> n.endsWith("-tick")), Duration.ofSeconds(30),
                    "the cron's containers removed with its app");
            Thread.sleep(11_000);
            assertThat(get(last, "/apps/" + cronApp + "/runs")).as("no slot runs after down").isEmpty();

            int other = rest.stream().filter(id -> id != last).findFirst().orElseThrow();
            secretsReachWorkOnAgentsAndFollowANewValue(lane, last, other, app + "s");

            CliIT.Run down = CliIT.yoq(java.util.Map.of("YOQ_API_PLAIN_HTTP", "1"), "--server", address(last), "--token", API_TOKEN, "down", "--app", app);
            assertThat(down.exit()).as(down.out() + down.err()).isZero();
            awaitCondition(() -> ClusterAgentsLane.agentContainers().isEmpty(), Duration.ofSeconds(30), "agents removed the app's containers");
        }
    }

    /**
     * A secret set on one server, used by a replica on an agent as a file and a variable, changed on another server:
     * the replica's file changes in place; removing the secret is refused while work uses it; after down the agent's
     * copy on its node goes and the secret can be removed.
     */
    private void secretsReachWorkOnAgentsAndFollowANewValue(ClusterAgentsLane lane, int leader, int other, String app) throws Exception {
        String name = "itclu-" + Long.toHexString(System.nanoTime() & 0xffffff);
        java.util.Map<String, String> plain = java.util.Map.of("YOQ_API_PLAIN_HTTP", "1");
        CliIT.Run set = CliIT.yoq(plain, "--server", address(leader), "--token", API_TOKEN, "secret", "set", name, "--value", "first-Value-1");
        assertThat(set.exit()).as(set.out() + set.err()).isZero();
        awaitCondition(() -> get(other, "/v1/secrets").toString().contains("\"" + name + "\""), Duration.ofSeconds(20),
                "the secret listed on another server");
        Path manifest = Files.writeString(Files.createDirectories(tmp.resolve(app)).resolve("manifest.toml"), "app = \"" + app + "\"\n"
                + "[service.vault]\nimage = \"" + lane.image + "\"\ncommand = [\"sh\", \"-c\", \"trap 'exit 0' TERM; sleep 3600 & wait\"]\n"
                + "replicas = 1\ncpu = 100\nmemory_mb = 32\nsecrets = [\"" + name + "\"]\nenv_secrets = [\"DB_PASS=" + name + "\"]\n"
                + "required_labels = [\"tier=lane\"]\n");
        CliIT.Run up = CliIT.yoq(plain, "--server", address(leader), "--token", API_TOKEN, "up", "-f", manifest.toString());
        assertThat(up.exit()).as(up.out() + up.err()).isZero();
        String vault = ClusterAgentsLane.agentContainers().keySet().stream().filter(n -> n.endsWith("-vault")).findFirst().orElseThrow();
        assertThat(ClusterAgentsLane.execIn(vault, "cat", "/run/secrets/" + name)).isEqualTo("first-Value-1");
        assertThat(ClusterAgentsLane.execIn(vault, "sh", "-c", "echo \"var=$DB_PASS\"")).contains("var=first-Value-1");

        // only the agent itself gets the values: not another agent's token, not the API token
        JsonNode placed = null;
        for (String id : List.of(lane.agentId(1), lane.agentId(2))) {
            for (JsonNode a : ClusterAgentsLane.assignments(address(leader), id, API_TOKEN)) if (a.path("app_name").asText().equals(app)) placed = a;
        }
        assertThat(placed).isNotNull();
        assertThat(placed.path("secret_versions").path(name).asText()).matches("[0-9a-f]{16}");
        String owner = placed.path("agent_id").asText(), intruder = owner.equals(lane.agentId(1)) ? lane.agentToken(2) : lane.agentToken(1);
        String fetch = "/agents/" + owner + "/assignments/" + placed.path("id").asText() + "/secrets";
        String someKey = "{\"public_key\":\"" + dev.yoq.security.AgentSealing.publicKey(dev.yoq.security.AgentSealing.newKey()) + "\"}";
        HttpResponse<String> byIntruder = YoqServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address(leader) + fetch))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + intruder).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(someKey)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(byIntruder.statusCode()).as("another agent's token").isEqualTo(401);
        HttpResponse<String> admin = post(leader, fetch, someKey);
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(403);
        assertThat(admin.body()).doesNotContain("first-Value-1");
        ClusterAgentsLane.execIn(vault, "touch", "/tmp/same-container");
        CliIT.Run changed = CliIT.yoq(plain, "--server", address(other), "--token", API_TOKEN, "secret", "set", name, "--value", "second-Value-2");
        assertThat(changed.exit()).as(changed.out() + changed.err()).isZero();
        awaitCondition(() -> ClusterAgentsLane.execIn(vault, "cat", "/run/secrets/" + name).equals("second-Value-2"), Duration.ofSeconds(30),
                "the running replica's file changed in place", () -> lane.agentLog(1) + lane.agentLog(2));
        assertThat(ClusterAgentsLane.execIn(vault, "sh", "-c", "test -f /tmp/same-container && echo kept")).as("the same container, not a new one")
                .contains("kept");

        CliIT.Run inUse = CliIT.yoq(plain, "--server", address(leader), "--token", API_TOKEN, "secret", "rm", name);
        assertThat(inUse.exit()).isNotZero();
        assertThat(inUse.err()).contains("in use by work on agents (" + app + "/vault)");
        CliIT.Run down = CliIT.yoq(plain, "--server", address(leader), "--token", API_TOKEN, "down", "--app", app);
        assertThat(down.exit()).as(down.out() + down.err()).isZero();
        awaitCondition(() -> !YoqServer.get("/v1/secrets", YoqServer.token()).body().contains("\"" + name + "\""), Duration.ofSeconds(60),
                "the agent's copy on its node removed once no work there uses it", () -> lane.agentLog(1) + lane.agentLog(2));
        CliIT.Run rm = CliIT.yoq(plain, "--server", address(leader), "--token", API_TOKEN, "secret", "rm", name);
        assertThat(rm.exit()).as(rm.out() + rm.err()).isZero();
        String logs = lane.agentLog(1) + lane.agentLog(2);
        assertThat(logs).contains("secret " + name + " copied to this node").doesNotContain("first-Value-1").doesNotContain("second-Value-2");
    }

    // --- helpers ---

    /** How many of the app's runs on agents ended with {@code outcome}, as server {@code id} lists them. */
    static int cronRuns(int id, String app, String outcome) throws Exception {
        int n = 0;
        for (JsonNode r : get(id, "/apps/" + app + "/runs")) if (outcome.equals(r.path("outcome").asText())) n++;
        return n;
    }

    /** Each agent holds two of the app's assignments, all running {@code command}. */
    static void assertRelease(int leader, String a1, String a2, String command) throws Exception {
        for (String id : List.of(a1, a2)) {
            assertThat(ClusterAgentsLane.assignments(address(leader), id, API_TOKEN)).hasSize(2)
                    .allMatch(a -> a.path("command").asText().contains(command) && a.path("status").asText().equals("running"));
        }
    }

    /** The id of the app's newest release once it has {@code trigger} and {@code status} on server {@code id}. */
    static String awaitRelease(int id, String app, String trigger, String status, Duration budget) throws Exception {
        long deadline = System.nanoTime() + budget.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get(id, "/apps/" + app + "/status");
            if (trigger.equals(last.path("trigger").asText()) && status.equals(last.path("status").asText())) return last.path("release_id").asText();
            Thread.sleep(200);
        }
        throw new AssertionError("release of " + app + " on server " + id + " not " + trigger + "/" + status + ": " + last);
    }

    /** Four containers for assignments run again, none of them one of {@code before}. */
    static void awaitReplaced(java.util.Set<String> before) throws Exception {
        awaitCondition(() -> {
            java.util.Map<String, String> now = ClusterAgentsLane.agentContainers();
            return now.size() == 4 && java.util.Collections.disjoint(now.keySet(), before);
        }, Duration.ofSeconds(30), "the earlier release's containers removed by their agents");
    }

    /** The app's row in the leader's {@code GET /v1/status}. */
    static JsonNode serviceRow(int leader, String app) throws Exception {
        for (JsonNode r : get(leader, "/v1/status")) if (app.equals(r.path("app").asText())) return r;
        throw new AssertionError("no status row for " + app + ": " + get(leader, "/v1/status"));
    }

    /** The agents on this host (they reach the lab from its bridge address), once {@code count} are active. */
    static List<String> awaitHostAgents(int serverId, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get(serverId, "/agents");
            List<String> ids = new ArrayList<>();
            for (JsonNode a : last) {
                if (a.path("address").asText().equals(SUBNET + ".254") && a.path("status").asText().equals("active")) ids.add(a.path("id").asText());
            }
            if (ids.size() == count) return ids;
            Thread.sleep(250);
        }
        throw new AssertionError("host agents on server " + serverId + ": " + last);
    }

    static void awaitRunning(int serverId, String agentId, int count, Duration budget, ClusterAgentsLane lane) throws Exception {
        long deadline = System.nanoTime() + budget.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = ClusterAgentsLane.assignments(address(serverId), agentId, API_TOKEN);
            long running = 0;
            for (JsonNode a : last) if ("running".equals(a.path("status").asText())) running++;
            if (running == count && last.size() == count) return;
            Thread.sleep(500);
        }
        throw new AssertionError("agent " + agentId + " not running " + count + ": " + last + "\n" + lane.agentLog(1) + lane.agentLog(2));
    }

    interface Check { boolean ok() throws Exception; }

    interface State { String describe() throws Exception; }

    static void awaitCondition(Check check, Duration budget, String what) throws Exception {
        awaitCondition(check, budget, what, () -> "");
    }

    static void awaitCondition(Check check, Duration budget, String what, State state) throws Exception {
        long deadline = System.nanoTime() + budget.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) return;
            Thread.sleep(500);
        }
        throw new AssertionError(what + ": not within " + budget.toSeconds() + " s\n" + state.describe());
    }

    /** A command that names this test's lab (scripts/lab reads it from the environment), with no input. */
    static ProcessBuilder labCommand(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(java.util.Map.of("YOQ_LAB_NAME", LAB, "YOQ_LAB_SUBNET", SUBNET, "YOQ_LAB_DIR", LAB_DIR.toString(), "YOQ_API_PLAIN_HTTP", "1"));
        return pb;
    }

    /** curl inside node {@code id}'s namespace with the API token; the body then the status code. */
    static String curlInside(int id, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(YoqServer.REPO.resolve("scripts/lab").toString(), "exec", "s" + id,
                "curl", "-s", "-m", "30", "-w", "%{http_code}", "-H", "Authorization: Bearer " + API_TOKEN));
        cmd.addAll(List.of(args));
        Process p = labCommand(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out.strip();
    }

    /** {@code yoq join} in agent node {@code n}, pointed at server {@code serverId}; it heartbeats until killed. */
    static Process agent(int n, int serverId) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(YoqServer.REPO.resolve("scripts/lab").toString(), "exec", "a" + n, "env",
                "YOQ_DATA_DIR=" + LAB_DIR.resolve("a" + n).resolve("data"), YoqServer.REPO.resolve("bin/yoq").toString(),
                "join", SUBNET + "." + serverId, "--token", JOIN_TOKEN, "--overlay", "off"));   // both agents share the test server
        return labCommand(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(LAB_DIR.resolve("a" + n + "-join.log").toFile())).start();
    }

    static JsonNode awaitAgents(int serverId, int count, String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get(serverId, "/agents");
            long matching = 0;
            for (JsonNode a : last) if (status.equals(a.path("status").asText())) matching++;
            if (last.size() == count && matching == count) return last;
            Thread.sleep(250);
        }
        throw new AssertionError("agents on server " + serverId + ": " + last);
    }

    static void awaitAgentStatus(int serverId, String id, String status, Duration budget) throws Exception {
        long deadline = System.nanoTime() + budget.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get(serverId, "/agents");
            for (JsonNode a : last) if (id.equals(a.path("id").asText()) && status.equals(a.path("status").asText())) return;
            Thread.sleep(500);
        }
        throw new AssertionError("agent " + id + " not " + status + " on server " + serverId + ": " + last);
    }

    static String idOf(JsonNode agents, String address) {
        for (JsonNode a : agents) if (address.equals(a.path("address").asText())) return a.path("id").asText();
        throw new AssertionError("no agent at " + address + " in " + agents);
    }

    static CliIT.Run lab(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(YoqServer.REPO.resolve("scripts/lab").toString()));
        cmd.addAll(List.of(args));
        Process p = labCommand(cmd).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new CliIT.Run(p.exitValue(), out, err);
    }

    /** bin/yoq inside node {@code id}'s namespaces, as that node's server, with no node helper (a control-plane server). */
    static Process inNode(int id, String... yoqArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(YoqServer.REPO.resolve("scripts/lab").toString(), "exec", "s" + id, "env",
                "YOQ_SERVER_NAME=" + serverName(id), "YOQ_DATA_DIR=" + LAB_DIR.resolve("s" + id).resolve("data"),
                "YOQ_NODE_HELPER=off", YoqServer.REPO.resolve("bin/yoq").toString()));
        cmd.addAll(List.of(yoqArgs));
        return labCommand(cmd).redirectErrorStream(true).start();
    }

    static void copyTheProductionServer(String name) throws Exception {
        Path from = SERVERS.resolve("yoq");
        Path to = SERVERS.resolve(name);
        ServerLifecycleIT.deleteTree(to);
        Files.createDirectories(to.resolve("apps"));
        for (String file : List.of("server.xml", "common.xml", "jvm.options", "bootstrap.properties", "server.env", "apps/yoq-ear.ear")) {
            Files.copy(from.resolve(file), to.resolve(file));
        }
    }

    static JsonNode get(int id, String path) throws Exception {
        HttpResponse<String> r = YoqServer.HTTP.send(request(id, path).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " on " + id + ": " + r.body()).isEqualTo(200);
        return YoqServer.JSON.readTree(r.body());
    }

    static HttpResponse<String> post(int id, String path, String json) throws Exception {
        return YoqServer.HTTP.send(request(id, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder request(int id, String path) {
        return HttpRequest.newBuilder(URI.create("http://" + address(id) + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + API_TOKEN);
    }

    /** The leader every asked server names, once they all name the same one that says it leads. */
    static int awaitLeader(List<Integer> servers, Duration budget) throws Exception {
        long deadline = System.nanoTime() + budget.toNanos();
        while (System.nanoTime() < deadline) {
            Integer agreed = null;
            boolean agree = true;
            for (int id : servers) {
                try {
                    JsonNode s = get(id, "/cluster/status");
                    int named = s.path("leader_id").asInt(0);
                    if (named == 0 || (agreed != null && agreed != named)) agree = false;
                    agreed = named;
                } catch (Exception | AssertionError unreachable) {
                    agree = false;
                }
            }
            if (agree && agreed != null && servers.contains(agreed) && "leader".equals(get(agreed, "/cluster/status").path("role").asText())) {
                return agreed;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no agreed leader among " + servers + " within " + budget);
    }

    static void awaitPolicies(int id, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = get(id, "/v1/policies");
                if (last.size() == count) return;
            } catch (Exception | AssertionError notYet) {
                // a restarting server does not answer yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("server " + id + " has policies " + last + ", expected " + count);
    }

    /**
     * All three at the same applied index with identical replicated tables. Read one after another, so an entry
     * landing in between (an agent going offline) is met by reading again, within a bound.
     */
    static void awaitIdenticalTables() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String[] sums = new String[3];
        while (true) {
            awaitAllApplied();
            for (int id = 1; id <= 3; id++) sums[id - 1] = checksum(id);
            if (sums[0].equals(sums[1]) && sums[1].equals(sums[2]) && applied(1) == applied(3)) return;
            if (System.nanoTime() > deadline) break;
            Thread.sleep(500);
        }
        assertThat(sums[1]).as("s2 against s1").isEqualTo(sums[0]);
        assertThat(sums[2]).as("s3 against s1").isEqualTo(sums[0]);
    }

    static void awaitAllApplied() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            long a = applied(1), b = applied(2), c = applied(3);
            if (a == b && b == c && a > 0) return;
            Thread.sleep(200);
        }
        throw new AssertionError("the servers did not reach the same applied index");
    }

    static long applied(int id) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + LAB_DIR.resolve("s" + id).resolve("data/yoq.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(log_index) FROM raft_applied")) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    /** SHA-256 over every row of the replicated tables, in rowid order. */
    static String checksum(int id) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + LAB_DIR.resolve("s" + id).resolve("data/yoq.db"));
             Statement s = c.createStatement()) {
            for (String table : Replication.REPLICATED_TABLES) {
                sha.update(table.getBytes());
                try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\" ORDER BY rowid")) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        for (int col = 1; col <= md.getColumnCount(); col++) {
                            Object v = rs.getObject(col);   // a BLOB by its bytes: String.valueOf would give the array's identity
                            sha.update(v instanceof byte[] bytes ? bytes : String.valueOf(v).getBytes());
                        }
                    }
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
