package dev.yoq.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.yoq.node.NodeClient;
import dev.yoq.node.daemon.network.NetworkPlan;
import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.ContainerState;
import dev.yoq.node.protocol.Limits;
import dev.yoq.node.protocol.PortMapping;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge, veth pairs, NAT and published ports, with real containers through a real helper (privileged lane:
 * root, busybox-static, iproute2, nftables). Addresses come from 10.242.200.0/24, out of a dev server's way; the
 * "outside world" is a network namespace this test owns, never the internet.
 */
class NetworkIT {
    @TempDir static Path tmp;
    static Path rootfs;
    static HelperProcess helper;
    static NodeClient client;
    static final String EXT_NS = "yoq-it-ext";
    static final NetworkPlan PLAN = new NetworkPlan(Fixtures.NAMES);

    @BeforeAll
    static void startHelper() throws Exception {
        Fixtures.requirePrivilegedLane();
        boolean tools = Files.isExecutable(Path.of("/usr/sbin/ip")) && Files.isExecutable(Path.of("/usr/sbin/nft"));
        if (!tools) System.err.println("*** SKIPPED network test: iproute2 and nftables are needed (apt-get install iproute2 nftables) ***");
        assumeTrue(tools);
        rootfs = Fixtures.busyboxRootfs(Files.createDirectories(tmp.resolve("rootfs")));
        Files.createDirectories(rootfs.resolve("www"));
        Files.writeString(rootfs.resolve("www/index.html"), "hello from a container\n");
        helper = new HelperProcess(Files.createDirectories(tmp.resolve("helper"))).start();
        client = helper.client();
    }

    @AfterAll
    static void stopHelper() throws Exception {
        if (client != null) Fixtures.removeAll(client);
        if (helper != null) helper.close();
        sh("ip netns del " + EXT_NS + " 2>/dev/null; ip link del yqext0 2>/dev/null; true");
    }

    static ContainerSpec spec(String id, int host, List<PortMapping> ports, String... command) {
        return named(null, id, host, ports, command);
    }

    static ContainerSpec named(String name, String id, int host, List<PortMapping> ports, String... command) {
        return new ContainerSpec(id, name, List.of(rootfs.toString()), List.of(command), List.of(), "n" + id.substring(0, 4), "/", null,
                Limits.DEFAULT, List.of(), true, false, new ContainerSpec.Net("10.242.200." + host + "/16", PLAN.gateway, ports));
    }

    static String sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    static String logOf(String id) throws IOException {
        return String.join("\n", Files.readAllLines(helper.log(id)));
    }

    static String httpGet(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(3000);
        c.setReadTimeout(3000);
        try (var in = c.getInputStream()) {
            return new String(in.readAllBytes());
        }
    }

    /** Waits (at most 10 s) until something answers HTTP at address:port: a server container has started. */
    static void awaitHttp(String address, int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(address, port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nothing listens on " + address + ":" + port);
    }

    static String rules() throws IOException, InterruptedException {
        return sh("nft list table ip " + PLAN.table);
    }

    @Test
    void containers_reach_each_other_the_host_reaches_published_ports_and_removal_cleans_up() throws Exception {
        String server = ContainerRuntimeIT.newId(), caller = ContainerRuntimeIT.newId();
        String name = "web-" + server.substring(0, 6);
        client.run(named(name, server, 2, List.of(new PortMapping("tcp", 18080, 80)), "httpd", "-f", "-p", "80", "-h", "/www"));
        ContainerState end = null;
        try {
            awaitHttp("10.242.200.2", 80);
            client.run(spec(caller, 3, List.of(), "sh", "-c", "ip addr show eth0; ip route; cat /etc/resolv.conf; "
                    + "nslookup " + name + "; wget -qO- http://" + name + "/"));
            end = client.await(caller, 15_000);
            String out = logOf(caller);
            assertThat(out).contains("inet 10.242.200.3/16").contains("default via 10.242.0.1").contains("nameserver 10.242.0.1")
                    .contains("Address: 10.242.200.2").contains("hello from a container");
            assertThat(end.exitCode()).isZero();

            assertThat(httpGet("http://127.0.0.1:18080/")).as("published port from the host's loopback (hairpin)").isEqualTo("hello from a container\n");
            assertThat(rules()).contains("tcp dport 18080 dnat to 10.242.200.2:80");
            assertThat(sh("ip -br link show master " + PLAN.bridgeName)).contains(NetworkPlan.hostVeth(server));
        } finally {
            client.stop(server, 1000);
            client.remove(server);
            if (end != null) client.remove(caller);
        }
        assertThat(rules()).doesNotContain("18080");
        assertThat(Files.exists(Path.of("/run/netns", PLAN.netns(server)))).isFalse();
        assertThat(Files.exists(Path.of("/sys/class/net", NetworkPlan.hostVeth(server)))).isFalse();
    }

    /** A server in a namespace of the test's own, reachable from the host but with no route back to 10.42/16. */
    @Test
    void outbound_traffic_is_masqueraded() throws Exception {
        sh("ip netns del " + EXT_NS + " 2>/dev/null; ip link del yqext0 2>/dev/null; ip netns add " + EXT_NS
                + " && ip link add yqext0 type veth peer name eth0 netns " + EXT_NS
                + " && ip addr add 203.0.113.1/24 dev yqext0 && ip link set yqext0 up"
                + " && ip -n " + EXT_NS + " addr add 203.0.113.2/24 dev eth0 && ip -n " + EXT_NS + " link set eth0 up"
                + " && ip -n " + EXT_NS + " link set lo up");
        Path www = Files.createDirectories(tmp.resolve("ext-www"));
        Files.writeString(www.resolve("index.html"), "outside\n");
        Process ext = new ProcessBuilder("ip", "netns", "exec", EXT_NS, "busybox", "httpd", "-f", "-p", "8081", "-h", www.toString()).start();
        String id = ContainerRuntimeIT.newId();
        try {
            awaitHttp("203.0.113.2", 8081);
            client.run(spec(id, 4, List.of(), "wget", "-qO-", "http://203.0.113.2:8081/"));
            ContainerState end = client.await(id, 15_000);
            assertThat(logOf(id)).contains("outside");
            assertThat(end.exitCode()).isZero();
        } finally {
            ext.destroy();
            client.remove(id);
        }
    }

    /** busybox wget from one container to another's httpd: "ok" or "blocked" (3 s; busybox wget -T segfaults here). */
    static String reach(String fromName, String id, int host, String target) throws Exception {
        client.run(named(fromName, id, host, List.of(), "sh", "-c", "timeout 3 wget -q -O- http://" + target + "/ >/dev/null && echo ok || echo blocked"));
        client.await(id, 15_000);
        String out = logOf(id).strip();
        client.remove(id);
        // CRI format "time stream F text"; the shell's "Terminated" (stderr) may land after our word
        return out.lines().filter(l -> l.contains(" stdout F ")).map(l -> l.substring(l.indexOf(" F ") + 3)).reduce((a, b) -> b).orElse(out);
    }

    @Test
    void deny_blocks_allow_is_an_allowlist_rm_restores_and_rules_wait_for_their_names() throws Exception {
        String sfx = ContainerRuntimeIT.newId().substring(0, 5);
        String server = ContainerRuntimeIT.newId(), other = ContainerRuntimeIT.newId();
        client.run(named("pb-" + sfx, server, 30, List.of(), "httpd", "-f", "-p", "80", "-h", "/www"));
        client.run(named("pc-" + sfx, other, 31, List.of(), "httpd", "-f", "-p", "80", "-h", "/www"));
        try {
            awaitHttp("10.242.200.30", 80);
            awaitHttp("10.242.200.31", 80);
            assertThat(reach("pa-" + sfx, ContainerRuntimeIT.newId(), 32, "pb-" + sfx)).isEqualTo("ok");
            client.setPolicies(List.of(new dev.yoq.node.protocol.NetworkPolicy("pa-" + sfx, "pb-" + sfx, "deny")));
            assertThat(rules()).as("pa does not exist between its runs: the rule waits").doesNotContain("10.242.200.30 drop");
            assertThat(reach("pa-" + sfx, ContainerRuntimeIT.newId(), 32, "pb-" + sfx)).as("deny, applied when pa appears").isEqualTo("blocked");
            assertThat(reach("pz-" + sfx, ContainerRuntimeIT.newId(), 33, "pb-" + sfx)).as("others are not affected").isEqualTo("ok");

            client.setPolicies(List.of(new dev.yoq.node.protocol.NetworkPolicy("pa-" + sfx, "pc-" + sfx, "allow")));
            assertThat(reach("pa-" + sfx, ContainerRuntimeIT.newId(), 32, "pc-" + sfx)).as("allowed target").isEqualTo("ok");
            assertThat(reach("pa-" + sfx, ContainerRuntimeIT.newId(), 32, "pb-" + sfx)).as("not on pa's allowlist").isEqualTo("blocked");

            client.setPolicies(List.of());
            assertThat(reach("pa-" + sfx, ContainerRuntimeIT.newId(), 32, "pb-" + sfx)).as("rm restores").isEqualTo("ok");
        } finally {
            client.setPolicies(List.of());
            for (String id : List.of(server, other)) {
                client.stop(id, 1000);
                client.remove(id);
            }
        }
    }

    @Test
    void a_restarted_helper_rebuilds_exactly_the_same_rules() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = ContainerRuntimeIT.newId();
            client.create(spec(id, 10 + i, List.of(new PortMapping(i == 1 ? "udp" : "tcp", 18100 + i, 80)), "true"));
            ids.add(id);
        }
        client.create(named("keep-" + ids.get(0).substring(0, 4), ContainerRuntimeIT.newId(), 14, List.of(), "true"));
        client.setPolicies(List.of(new dev.yoq.node.protocol.NetworkPolicy("keep-" + ids.get(0).substring(0, 4), "other", "allow")));
        String before = rules();
        assertThat(before).contains("ip saddr 10.242.200.14 ip daddr 10.242.0.0/16 drop");
        helper.crash();
        Fixtures.deleteLaneTable(Fixtures.NAMES);   // the lane's own table (yoq_it), never the host's ip yoq
        helper.start();
        client = helper.client();
        assertThat(rules()).as("ports and policy, from the helper's own files").isEqualTo(before).contains("udp dport 18101 dnat to 10.242.200.11:80");
        client.setPolicies(List.of());
        for (String id : ids) client.remove(id);
        for (ContainerState c : client.list()) if (!c.running()) client.remove(c.id());
    }

    @Test
    void an_exited_container_gives_up_its_namespace_veth_and_ports_and_gets_them_back_when_started_again() throws Exception {
        String id = ContainerRuntimeIT.newId();
        client.run(named("exiter" + id.substring(0, 4), id, 61, List.of(new PortMapping("tcp", 18261, 80)), "sh", "-c", "ip -4 -o addr show eth0"));
        assertThat(client.await(id, 20_000).status()).isEqualTo("exited");
        long deadline = System.currentTimeMillis() + 5_000;
        while ((Files.exists(Path.of("/sys/class/net", NetworkPlan.hostVeth(id))) || Files.exists(Path.of("/run/netns", PLAN.netns(id))))
                && System.currentTimeMillis() < deadline) Thread.sleep(20);
        assertThat(Files.exists(Path.of("/sys/class/net", NetworkPlan.hostVeth(id)))).as("veth after the exit").isFalse();
        assertThat(Files.exists(Path.of("/run/netns", PLAN.netns(id)))).as("namespace after the exit").isFalse();
        assertThat(rules()).as("no rule for an exited container's port").doesNotContain("18261");
        assertThat(logOf(id)).contains("10.242.200.61/16");

        client.start(id);
        assertThat(client.await(id, 20_000).status()).isEqualTo("exited");
        assertThat(logOf(id).split("10.242.200.61/16", -1)).as("the same address on the second run").hasSize(3);
        client.remove(id);
    }

    @Test
    void a_flushed_table_is_repaired_within_seconds_and_the_repair_counted() throws Exception {
        String id = ContainerRuntimeIT.newId();
        client.run(named("drift" + id.substring(0, 4), id, 62, List.of(new PortMapping("tcp", 18262, 80)), "sh", "-c", "sleep 60"));
        try {
            assertThat(rules()).contains("18262");
            long before = client.dnsStats().get("network_repairs");
            Fixtures.deleteLaneRules(Fixtures.NAMES, "dport 18262");   // as another tool might; only this test's rule
            assertThat(rules()).doesNotContain("18262");
            long deadline = System.currentTimeMillis() + 10_000;
            while (!rules().contains("18262") && System.currentTimeMillis() < deadline) Thread.sleep(100);
            assertThat(rules()).as("the table after the flush").contains("dport 18262 dnat to 10.242.200.62:80");
            assertThat(client.dnsStats().get("network_repairs")).isGreaterThan(before);
            sh("ip addr flush dev " + PLAN.bridgeName);   // the test's own bridge: its gateway address goes
            deadline = System.currentTimeMillis() + 10_000;
            while (!sh("ip -4 -o addr show dev " + PLAN.bridgeName).contains(PLAN.gateway + "/16") && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(sh("ip -4 -o addr show dev " + PLAN.bridgeName)).as("the bridge's address after a flush").contains(PLAN.gateway + "/16");
        } finally {
            client.kill(id, 9);
            client.await(id, 10_000);
            client.remove(id);
        }
    }

    /** Only this test's names are checked: the host's bridge may carry other containers (a developer's yoq). */
    @Test
    void two_hundred_containers_created_and_removed_leave_no_interface_namespace_or_rule() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String id = ContainerRuntimeIT.newId();
            ids.add(id);
            client.create(spec(id, 20 + (i % 200), List.of(new PortMapping("tcp", 19000 + i, 80)), "true"));
            assertThat(Files.exists(Path.of("/sys/class/net", NetworkPlan.hostVeth(id)))).isTrue();
            client.remove(id);
        }
        for (String id : ids) {
            assertThat(Files.exists(Path.of("/sys/class/net", NetworkPlan.hostVeth(id)))).as("veth of " + id).isFalse();
            assertThat(Files.exists(Path.of("/run/netns", PLAN.netns(id)))).as("namespace of " + id).isFalse();
        }
        assertThat(rules()).doesNotContainPattern("dport 19[0-9]{3}");
    }
}
