package dev.yoq.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.node.NodeClient;
import dev.yoq.node.daemon.network.NetworkPlan;
import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.Limits;
import dev.yoq.node.protocol.NetworkPolicy;
import dev.yoq.node.protocol.PortMapping;
import dev.yoq.node.protocol.ServiceVip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service's VIP through a real helper, real containers and real rules, once per dataplane (the subclasses):
 * three replicas answering their hostnames behind VIP 10.252.0.2 and host port 18181, a client container calling
 * them by VIP and by name, a replica killed, a policy, and (BPF) the programs re-adopted across a helper restart.
 * Everything is the lane's own: bridge yoqit0, 10.242.201.0/24 addresses, VIP range 10.252.0.0/16, table yoq_it,
 * pins under /sys/fs/bpf/yoq_it. Requests go only to addresses inside the lane.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ServicesIT {
    static final NetworkPlan PLAN = new NetworkPlan(Fixtures.NAMES);
    static final String VIP = "10.252.0.2";
    static final int HOST_PORT = 18181;
    static final int SPREAD_CALLS = 300;
    @TempDir static Path tmp;
    static Path rootfs;
    static HelperProcess helper;
    static NodeClient client;
    static final List<String> backends = new ArrayList<>(), hostnames = new ArrayList<>(), ids = new ArrayList<>();

    /** Starts the lane's helper on the given dataplane with three replicas. */
    static void start(String dataplane) throws Exception {
        Fixtures.requirePrivilegedLane();
        boolean tools = Files.isExecutable(Path.of("/usr/sbin/ip")) && Files.isExecutable(Path.of("/usr/sbin/nft"));
        if (!tools) System.err.println("*** SKIPPED services test: iproute2 and nftables are needed ***");
        assumeTrue(tools);
        rootfs = Fixtures.busyboxRootfs(Files.createDirectories(tmp.resolve("rootfs")));
        helper = new HelperProcess(Files.createDirectories(tmp.resolve("helper")), dataplane).start();
        client = helper.client();
        backends.clear();
        hostnames.clear();
        ids.clear();
        for (int i = 1; i <= 3; i++) {
            String id = ContainerRuntimeIT.newId();
            client.run(container(id, "svc-web-" + i, 10 + i, "mkdir -p /tmp/w && hostname > /tmp/w/index.html && exec httpd -f -p 80 -h /tmp/w"));
            backends.add("10.242.201." + (10 + i));
            hostnames.add("web-" + i);
            ids.add(id);
        }
        for (String b : backends) NetworkIT.awaitHttp(b, 80);
        publish(backends);
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.setServices(List.of(), true);
            Fixtures.removeAll(client);
        }
        if (helper != null) helper.close();
    }

    static ContainerSpec container(String id, String name, int host, String script) {
        String hostname = name.startsWith("svc-web-") ? "web-" + name.substring(8) : "client";
        return new ContainerSpec(id, name, List.of(rootfs.toString()), List.of("sh", "-c", script), List.of(), hostname, "/", null,
                Limits.DEFAULT, List.of(), true, false, new ContainerSpec.Net("10.242.201." + host + "/16", PLAN.gateway, List.of()));
    }

    static JsonNode publish(List<String> ready) throws IOException {
        return client.setServices(List.of(new ServiceVip("it-web", List.of("web", "web.it"), VIP,
                List.of(new PortMapping("tcp", HOST_PORT, 80)), ready, backends)), true);
    }

    static int clientHost = 50;

    /**
     * Runs {@code script} in a fresh client container of the lane and returns its output. Each client has an address
     * of its own, as distinct clients do: a new namespace at a reused address picks the same source ports again
     * (the port offset hashes the addresses), so its SYNs would meet the previous client's TIME_WAIT sockets.
     */
    static String fromClient(String script) throws Exception {
        String id = ContainerRuntimeIT.newId();
        client.run(container(id, "svc-client-" + id.substring(0, 4), ++clientHost, script));
        client.await(id, 120_000);
        String out = String.join("\n", Files.readAllLines(helper.log(id)));
        client.remove(id);
        return out;
    }

    /** Answers by replica hostname (and FAIL) in a client's log (CRI lines: time, stream, tag, text). */
    static Map<String, Integer> count(String out) {
        Map<String, Integer> seen = new TreeMap<>();
        for (String line : out.split("\n")) {
            String text = line.contains(" stdout F ") ? line.substring(line.indexOf(" stdout F ") + 10).strip() : line.strip();
            if (text.startsWith("web-") || text.equals("FAIL")) seen.merge(text, 1, Integer::sum);
        }
        return seen;
    }

    abstract String mode();

    @Test
    @Order(1)
    void the_helper_says_which_dataplane_serves() throws Exception {
        assertThat(client.dataplane().path("mode").asText()).isEqualTo(mode());
    }

    @Test
    @Order(2)
    void requests_through_the_vip_reach_every_replica_and_dns_answers_the_vip() throws Exception {
        // 300 calls: a replica's share is binomial (n 300, p 1/3; sd 8.2), so "over 60" fails a fair spread about once
        // in a million runs; 90 calls with "over 18" failed a fair one about once in a hundred (CI saw 12 of 90)
        String out = fromClient("nslookup web; for i in $(seq 1 " + SPREAD_CALLS + "); do timeout 5 wget -q -O - http://" + VIP + "/ || echo FAIL; done");
        assertThat(out).contains("Address: " + VIP);
        Map<String, Integer> seen = count(out);
        System.out.println("VIP spread over " + SPREAD_CALLS + " calls (" + mode() + "): " + seen);
        assertThat(seen).as(out.lines().limit(12).toList().toString() + "\n" + NetworkIT.rules()).doesNotContainKey("FAIL").containsOnlyKeys(hostnames);
        seen.values().forEach(n -> assertThat(n).as("each replica gets over 20 %% of %d: %s", SPREAD_CALLS, seen).isGreaterThan(SPREAD_CALLS / 5));
    }

    @Test
    @Order(3)
    void the_published_port_spreads_over_the_replicas_too() throws Exception {
        Map<String, Integer> seen = new TreeMap<>();
        for (int i = 0; i < 30; i++) seen.merge(NetworkIT.httpGet("http://127.0.0.1:" + HOST_PORT + "/").strip(), 1, Integer::sum);
        assertThat(seen.keySet()).isSubsetOf(hostnames).hasSizeGreaterThan(1);
    }

    @Test
    @Order(3)
    void a_replica_calling_its_own_vip_always_gets_an_answer() throws Exception {
        dev.yoq.node.protocol.ExecResult r = client.exec(new dev.yoq.node.protocol.ExecRequest(ids.get(1), List.of("sh", "-c",
                "for i in $(seq 1 30); do timeout 5 wget -q -O - http://" + VIP + "/ || echo FAIL; done"), List.of(), "/", 60_000));
        Map<String, Integer> seen = count(r.stdout());
        int failed = seen.getOrDefault("FAIL", 0);
        if (failed > 0) System.err.println("*** KNOWN PROBLEM (" + mode() + "): " + failed + " of 30 calls of a replica to its own VIP timed out ***");
        assertThat(failed).as("failures allowed on this dataplane (docs/services.md, known problems): " + seen).isLessThanOrEqualTo(selfCallFailuresTolerated());
        assertThat(seen.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(30);
        assertThat(seen).as("never the caller itself on BPF; on nftables it may be (hairpin)").containsKeys(hostnames.get(0), hostnames.get(2));
    }

    /**
     * nftables: none. eBPF: a replica calling its own VIP sees about one call in 60 time out on this host, cause not
     * found yet (docs/services.md lists it); the test still fails on more than that.
     */
    int selfCallFailuresTolerated() {
        return 0;
    }

    @Test
    @Order(4)
    void a_killed_replica_leaves_the_vip_and_no_request_fails() throws Exception {
        assertThat(NetworkIT.sh("conntrack -L --reply-src " + backends.get(0) + " 2>/dev/null")).as("flows it served").isNotBlank();
        client.kill(ids.get(0), 9);
        client.await(ids.get(0), 10_000);
        String left = "?";
        for (int i = 0; i < 40 && !left.isBlank(); i++) {   // the helper forgets them as it releases the network: 2 s at most
            Thread.sleep(50);
            left = NetworkIT.sh("conntrack -L --reply-src " + backends.get(0) + " 2>/dev/null");
        }
        assertThat(left).as("a new flow reusing a 5-tuple must not be sent to the dead replica").isBlank();
        Map<String, Integer> seen = count(fromClient("for i in $(seq 1 40); do timeout 5 wget -q -O - http://" + VIP + "/ || echo FAIL; done"));
        assertThat(seen).doesNotContainKey("FAIL").containsOnlyKeys(hostnames.get(1), hostnames.get(2));
    }

    @Test
    @Order(5)
    void a_draining_replica_takes_no_new_flows() throws Exception {
        publish(List.of(backends.get(2)));   // the server took replica 2 out of the VIP
        try {
            Map<String, Integer> seen = count(fromClient("for i in $(seq 1 20); do timeout 5 wget -q -O - http://" + VIP + "/ || echo FAIL; done"));
            assertThat(seen).containsOnlyKeys(hostnames.get(2));
        } finally {
            publish(backends);
        }
    }

    @Test
    @Order(6)
    void a_policy_naming_the_service_is_enforced() throws Exception {
        client.setPolicies(List.of(new NetworkPolicy("svc-denied", "it-web", "deny")));
        try {
            String id = ContainerRuntimeIT.newId();
            client.run(container(id, "svc-denied", 99, "for i in 1 2 3; do timeout 3 wget -q -O - http://" + VIP + "/ || echo FAIL; done"));
            client.await(id, 30_000);
            String out = String.join("\n", Files.readAllLines(helper.log(id)));
            client.remove(id);
            assertThat(count(out)).as(out).containsOnlyKeys("FAIL");
        } finally {
            client.setPolicies(List.of());
        }
        assertThat(count(fromClient("timeout 5 wget -q -O - http://" + VIP + "/ || echo FAIL"))).doesNotContainKey("FAIL");
    }
}
