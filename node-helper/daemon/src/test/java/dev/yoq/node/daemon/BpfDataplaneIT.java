package dev.yoq.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.yoq.node.daemon.bpf.BpfDataplane;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The eBPF dataplane on real veths (privileged lane: root, busybox-static, iproute2, bpffs): a client namespace
 * (a) reaches two backends (b, c) through a VIP, on a bridge and in namespaces this test owns (yoqbpf0,
 * 10.246.0.0/24, yoqbpf-*), with its own pin dir. Traffic never leaves these namespaces. The map checks read the
 * pinned maps with bpftool.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BpfDataplaneIT {
    static final String BRIDGE = "yoqbpf0";
    static final String SUBNET = "10.246.0.0/24";
    static final String VIP = "10.43.250.10";
    static final String VIP2 = "10.43.250.11"; // a second VIP, for the tests that share a backend between two
    static final String A = "10.246.0.2", B = "10.246.0.3", C = "10.246.0.4";
    static final Path PIN_DIR = Path.of("/sys/fs/bpf/yoq_bpfit");
    static final Map<String, String> IPS = Map.of("a", A, "b", B, "c", C);
    static final List<Process> servers = new ArrayList<>();
    static Path www;
    static BpfDataplane dp;
    static boolean ready;

    @BeforeAll
    static void setUp() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean busybox = Files.isExecutable(Path.of("/bin/busybox"));
        boolean tools = Files.isExecutable(Path.of("/usr/sbin/ip")) && Files.isExecutable(Path.of("/usr/sbin/tc"));
        if (!root || !busybox || !tools) {
            System.err.println("*** SKIPPED eBPF dataplane test: " + (root ? "" : "not running as root; ")
                    + (busybox ? "" : "busybox-static is not installed; ") + (tools ? "" : "iproute2 (ip, tc) is not installed") + " ***");
        }
        assumeTrue(root && busybox && tools, "the eBPF lane needs root, busybox-static and iproute2");
        removeOurs();
        Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "1");
        www = Files.createTempDirectory("yoqbpfit");
        ip("link", "add", BRIDGE, "type", "bridge");
        ip("addr", "add", "10.246.0.1/24", "dev", BRIDGE);
        ip("link", "set", BRIDGE, "up");
        // the host routes VIP traffic back out of the bridge it came from: no ICMP redirects for that
        Files.writeString(Path.of("/proc/sys/net/ipv4/conf", BRIDGE, "send_redirects"), "0");
        for (String n : List.of("a", "b", "c")) {
            String ns = "yoqbpf-" + n, host = "vbpf_" + n, peer = "vbpf_" + n + "p";
            ip("netns", "add", ns);
            ip("link", "add", host, "type", "veth", "peer", "name", peer);
            ip("link", "set", peer, "netns", ns);
            ip("link", "set", host, "master", BRIDGE, "up");
            ip("-n", ns, "link", "set", "lo", "up");
            ip("-n", ns, "addr", "add", IPS.get(n) + "/24", "dev", peer);
            ip("-n", ns, "link", "set", peer, "up");
            ip("-n", ns, "route", "add", "default", "via", "10.246.0.1");
        }
        for (String n : List.of("b", "c")) {
            Path dir = Files.createDirectories(www.resolve(n));
            Files.writeString(dir.resolve("index.html"), n + "\n");
            // port 9000: a line server that names itself, then echoes with its name (the long-lived flow)
            Path script = www.resolve("lines-" + n + ".sh");
            Files.writeString(script, "#!/bin/sh\necho " + n + "\nwhile read l; do echo " + n + ":$l; done\n");
            script.toFile().setExecutable(true);
            servers.add(start("ip", "netns", "exec", "yoqbpf-" + n, "/bin/busybox", "httpd", "-f", "-p", "8080", "-h", dir.toString()));
            servers.add(start("ip", "netns", "exec", "yoqbpf-" + n, "/bin/busybox", "nc", "-ll", "-p", "9000", "-e", script.toString()));
        }
        dp = BpfDataplane.open(PIN_DIR, s -> System.err.println("[bpf] " + s));
        assertThat(dp.adopted()).as("a clean pin dir loads fresh").isFalse();
        for (String n : List.of("a", "b", "c")) {
            dp.attach("vbpf_" + n, IPS.get(n));
            dp.attach("vbpf_" + n, IPS.get(n)); // idempotent
        }
        for (int i = 0; i < 50 && get(B, 8080) == null; i++) Thread.sleep(100); // the servers are up
        ready = true;
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (dp != null) {
            try {
                dp.unpin();
            } finally {
                dp.close();
            }
        }
        for (Process p : servers) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        removeOurs();
        if (www != null) {
            try (Stream<Path> s = Files.walk(www)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Deletes only this test's objects (from a previous aborted run too). */
    static void removeOurs() throws Exception {
        for (String n : List.of("a", "b", "c")) quiet("ip", "netns", "del", "yoqbpf-" + n);
        for (String n : List.of("a", "b", "c")) quiet("ip", "link", "del", "vbpf_" + n);
        quiet("ip", "link", "del", BRIDGE);
        if (Files.isDirectory(PIN_DIR)) {
            try (Stream<Path> s = Files.list(PIN_DIR)) {
                s.forEach(p -> p.toFile().delete());
            }
            Files.deleteIfExists(PIN_DIR);
        }
    }

    @Test
    @Order(1)
    void vipBalancesOverBothBackends() throws Exception {
        dp.syncVips(Map.of(VIP, List.of(B, C)));
        Map<String, Integer> answers = new HashMap<>();
        for (int i = 0; i < 40; i++) answers.merge(String.valueOf(get(VIP, 8080)), 1, Integer::sum);
        System.err.println("[bpf] 40 requests through the VIP: " + answers);
        assertThat(answers.getOrDefault("b", 0)).isGreaterThan(8);
        assertThat(answers.getOrDefault("c", 0)).isGreaterThan(8);
        assertThat(answers.getOrDefault("b", 0) + answers.getOrDefault("c", 0)).isEqualTo(40);
    }

    @Test
    @Order(2)
    void longLivedFlowKeepsItsBackendWhileTheTableChanges() throws Exception {
        dp.syncVips(Map.of(VIP, List.of(B, C)));
        Process nc = start("ip", "netns", "exec", "yoqbpf-a", "/bin/busybox", "nc", VIP, "9000");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(nc.getInputStream(), StandardCharsets.UTF_8));
             OutputStream out = nc.getOutputStream()) {
            String first = line(in);
            assertThat(first).isIn("b", "c");
            String other = first.equals("b") ? C : B;
            dp.syncVips(Map.of(VIP, List.of(other))); // our backend leaves the table: draining
            for (int i = 0; i < 5; i++) assertThat(get(VIP, 8080)).as("new flows go to the remaining backend")
                    .isEqualTo(other.equals(B) ? "b" : "c");
            out.write("ping\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(line(in)).isEqualTo(first + ":ping");
            dp.syncVips(Map.of()); // even the VIP goes: established flows still drain
            out.write("pong\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(line(in)).isEqualTo(first + ":pong");
        } finally {
            nc.destroyForcibly();
            dp.syncVips(Map.of(VIP, List.of(B, C)));
        }
    }

    @Test
    @Order(3)
    void vipWithoutBackendsRefusesNewConnections() throws Exception {
        dp.syncVips(Map.of(VIP, List.of()));
        try {
            for (int i = 0; i < 3; i++) assertThat(get(VIP, 8080)).isNull();
        } finally {
            dp.syncVips(Map.of(VIP, List.of(B, C)));
        }
        assertThat(get(VIP, 8080)).isIn("b", "c");
    }

    @Test
    @Order(4)
    void policyDropsNewFlowsAfterTranslation() throws Exception {
        dp.syncVips(Map.of(VIP, List.of(B, C)));
        dp.syncPolicy(SUBNET, List.<String[]>of(new String[] {A, B}), Map.of());
        Map<String, Integer> answers = new HashMap<>();
        for (int i = 0; i < 12; i++) answers.merge(String.valueOf(get(VIP, 8080)), 1, Integer::sum);
        System.err.println("[bpf] 12 requests through the VIP with a->b denied: " + answers);
        assertThat(answers).doesNotContainKey("b").containsKey("c").containsKey("null");
        assertThat(get(B, 8080)).isNull();
        assertThat(get(C, 8080)).isEqualTo("c");

        dp.syncPolicy(SUBNET, List.of(), Map.of(A, List.of(C))); // a may only reach c inside the subnet
        assertThat(get(B, 8080)).isNull();
        assertThat(get(C, 8080)).isEqualTo("c");

        dp.syncPolicy(SUBNET, List.of(), Map.of());
        assertThat(get(B, 8080)).isEqualTo("b");
    }

    @Test
    @Order(5)
    void countersAndPairsSeeTheTraffic() throws Exception {
        assertThat(get(B, 8080)).isEqualTo("b");
        Map<String, BpfDataplane.Counters> counters = dp.counters();
        System.err.println("[bpf] counters " + counters);
        for (String ip : List.of(A, B, C)) {
            assertThat(counters).containsKey(ip);
            assertThat(counters.get(ip).txPackets()).isPositive();
            assertThat(counters.get(ip).rxPackets()).isPositive();
            assertThat(counters.get(ip).txBytes()).isPositive();
            assertThat(counters.get(ip).rxBytes()).isPositive();
        }
        assertThat(counters.get(A).connections()).isGreaterThanOrEqualTo(40);
        Map<List<String>, BpfDataplane.Counters> pairs = dp.pairs();
        assertThat(pairs).containsKeys(List.of(A, B), List.of(A, C), List.of(B, A));
        assertThat(pairs.get(List.of(A, B)).txPackets()).isPositive();
        List<BpfDataplane.MapUsage> maps = dp.maps();
        System.err.println("[bpf] maps " + maps);
        assertThat(maps).contains(new BpfDataplane.MapUsage("vips", 1, 65536));
    }

    @Test
    @Order(6)
    void aNewHelperReadoptsThePinnedDataplane() throws Exception {
        List<BpfDataplane.ProgramInfo> before = dp.programs();
        long txBefore = dp.counters().get(A).txPackets();
        dp.close();
        dp = BpfDataplane.open(PIN_DIR, s -> System.err.println("[bpf] " + s));
        assertThat(dp.adopted()).isTrue();
        assertThat(dp.programs()).isEqualTo(before);
        int ingressId = before.stream().filter(p -> p.name().equals("lb_ingress")).findFirst().orElseThrow().id();
        String shown = run(List.of("bpftool", "prog", "show", "pinned", PIN_DIR.resolve("lb_ingress").toString()), 10);
        assertThat(shown).startsWith(ingressId + ":");
        assertThat(dp.counters().get(A).txPackets()).as("maps keep their contents").isGreaterThanOrEqualTo(txBefore);
        assertThat(get(VIP, 8080)).as("the VIP works without syncVips").isIn("b", "c");
        System.err.println("[bpf] re-adopted " + dp.programs() + "; bpftool: " + shown.lines().findFirst().orElse(""));
    }

    @Test
    @Order(7)
    void staleOrPartialPinsAreReloadedNotAdopted() throws Exception {
        List<BpfDataplane.ProgramInfo> before = dp.programs();
        dp.close();
        // another object version pinned these: the meta map's stamp no longer matches the object's SHA-256
        List<String> cmd = new ArrayList<>(List.of("bpftool", "map", "update", "pinned", PIN_DIR.resolve("meta").toString(),
                "key", "0", "0", "0", "0", "value"));
        for (int i = 0; i < 32; i++) cmd.add("7");
        run(cmd, 10);
        dp = BpfDataplane.open(PIN_DIR, s -> System.err.println("[bpf] " + s));
        assertThat(dp.adopted()).isFalse();
        assertThat(dp.programs()).doesNotContainAnyElementsOf(before);
        // the caller's duty after a reload: re-attach and re-sync (the new maps start empty)
        for (String n : List.of("a", "b", "c")) dp.attach("vbpf_" + n, IPS.get(n));
        dp.syncVips(Map.of(VIP, List.of(B, C)));
        assertThat(get(VIP, 8080)).isIn("b", "c");

        // an interrupted load left only some pins: reload rather than adopt half a dataplane
        List<BpfDataplane.ProgramInfo> second = dp.programs();
        dp.close();
        Files.delete(PIN_DIR.resolve("pairs"));
        dp = BpfDataplane.open(PIN_DIR, s -> System.err.println("[bpf] " + s));
        assertThat(dp.adopted()).isFalse();
        assertThat(dp.programs()).doesNotContainAnyElementsOf(second);
        dp.detach("vbpf_a");
        dp.detach("vbpf_a"); // a missing filter is fine
        dp.detach("vbpf_nosuch"); // and so is a missing interface
    }

    @Test
    @Order(8)
    void forgottenBackendsNoLongerCatchAReusedTuple() throws Exception {
        // the previous test reloaded (b and c still run the old programs and maps) and detached a: re-attach all
        for (String n : List.of("a", "b", "c")) dp.attach("vbpf_" + n, IPS.get(n));
        dp.syncVips(Map.of(VIP, List.of(B, C)));
        int port = 23456; // below the ephemeral range: no earlier flow of this test used it
        String first = getFrom(port, VIP, 8080);
        assertThat(first).isIn("b", "c");
        String x = first.equals("b") ? B : C;
        String other = first.equals("b") ? "c" : "b";
        Process nc = null;
        try {
            dp.syncVips(Map.of(VIP, List.of(IPS.get(other)))); // x's container ended
            assertThat(get(VIP, 8080)).as("new tuples avoid x").isEqualTo(other);
            // (a SYN reusing the tuple would now pick again by itself: see aSynReusingATuplePinnedToADrainedBackendPicksAgain)
            assertThat(conntrackBackend(A, port)).as("the tuple is still pinned to x").isEqualTo(x);
            // a live flow to the remaining backend must survive forgetting x
            nc = start("ip", "netns", "exec", "yoqbpf-a", "/bin/busybox", "nc", VIP, "9000");
            BufferedReader in = new BufferedReader(new InputStreamReader(nc.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = nc.getOutputStream();
            assertThat(line(in)).isEqualTo(other);

            int deleted = dp.forgetBackends(List.of(x));
            System.err.println("[bpf] forgetBackends(" + x + ") deleted " + deleted + " entries");
            assertThat(deleted).as("at least the tuple's conntrack and rev_nat entries").isGreaterThanOrEqualTo(2);
            assertThat(conntrackBackend(A, port)).as("the tuple's entry is gone").isNull();
            assertThat(dp.counters()).as("a new container reusing x's address starts from zero").doesNotContainKey(x);
            assertThat(dp.pairs().keySet()).noneMatch(k -> k.contains(x));
            assertThat(getFrom(port, VIP, 8080)).as("the same tuple, forgotten").isEqualTo(other);
            assertThat(dp.forgetBackends(List.of(x))).as("nothing is left to forget").isZero();
            assertThat(dp.forgetBackends(List.of())).isZero();

            out.write("ping\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(line(in)).as("the other backend's flow is untouched").isEqualTo(other + ":ping");
        } finally {
            if (nc != null) nc.destroyForcibly();
            dp.syncVips(Map.of(VIP, List.of(B, C)));
        }
    }

    @Test
    @Order(9)
    void aSynReusingATuplePinnedToADrainedBackendPicksAgain() throws Exception {
        dp.syncVips(Map.of(VIP, List.of(B, C)));
        int port = 23457;
        String first = getFrom(port, VIP, 8080);
        assertThat(first).isIn("b", "c");
        String x = IPS.get(first), other = first.equals("b") ? "c" : "b";
        assertThat(conntrackBackend(A, port)).isEqualTo(x);
        try {
            dp.syncVips(Map.of(VIP, List.of(IPS.get(other)))); // x drains: alive, no longer listed
            assertThat(getFrom(port, VIP, 8080)).as("a new flow on the old tuple lands on a listed backend").isEqualTo(other);
            assertThat(conntrackBackend(A, port)).isEqualTo(IPS.get(other));
            assertThat(revNatKeys().stream().filter(k -> k[0].equals(x) && k[1].equals(A) && k[3].equals(String.valueOf(port))))
                    .as("x's reply entry for the old flow went with it").isEmpty();
        } finally {
            dp.syncVips(Map.of(VIP, List.of(B, C)));
        }
    }

    @Test
    @Order(10)
    void aContainerSpoofingAnotherOnesAddressIsDropped() throws Exception {
        dp.syncVips(Map.of(VIP, List.of(B, C)));
        int port = 23470;
        // namespace a gets b's address on lo (never answering ARP for it, never announcing it) to send from it
        ip("netns", "exec", "yoqbpf-a", "/bin/busybox", "sysctl", "-w", "net.ipv4.conf.all.arp_ignore=1");
        ip("netns", "exec", "yoqbpf-a", "/bin/busybox", "sysctl", "-w", "net.ipv4.conf.all.arp_announce=2");
        ip("-n", "yoqbpf-a", "addr", "add", B + "/32", "dev", "lo");
        long segsB, segsC;
        try {
            segsB = tcpInSegs("b");
            segsC = tcpInSegs("c");
            assertThat(getFrom(B, port, VIP, 8080)).as("a spoofed SYN gets no answer").isNull();
            assertThat(tcpInSegs("b")).as("no segment reached b").isEqualTo(segsB);
            assertThat(tcpInSegs("c")).as("no segment reached c").isEqualTo(segsC);
            assertThat(conntrackBackend(B, port)).as("no conntrack entry for the spoofed tuple").isNull();
            assertThat(revNatKeys().stream().filter(k -> k[1].equals(B) && k[3].equals(String.valueOf(port))))
                    .as("no rev_nat entry that would rewrite b's traffic").isEmpty();
            assertThat(dp.pairs().keySet()).as("nothing counted for b").doesNotContain(List.of(B, B), List.of(B, C));
        } finally {
            ip("-n", "yoqbpf-a", "addr", "del", B + "/32", "dev", "lo");
        }
        // control: the same tuple from a's own address goes through, and reaches a backend
        assertThat(getFrom(A, port, VIP, 8080)).isIn("b", "c");
        assertThat(tcpInSegs("b") + tcpInSegs("c")).isGreaterThan(segsB + segsC);
        assertThat(conntrackBackend(A, port)).isIn(B, C);
    }

    @Test
    @Order(11)
    void aReplicaCallingItsOwnVipIsAnsweredByAnotherBackend() throws Exception {
        dp.syncVips(Map.of(VIP, List.of(B, C)));
        Map<String, Integer> answers = new HashMap<>();
        for (int i = 0; i < 20; i++) answers.merge(String.valueOf(getIn("yoqbpf-b", VIP, 8080)), 1, Integer::sum);
        System.err.println("[bpf] 20 requests from b through the VIP: " + answers);
        assertThat(answers).isEqualTo(Map.of("c", 20));
    }

    @Test
    @Order(12)
    void aDirectConnectionReusingAVipFlowsPortIsAnsweredByTheBackend() throws Exception {
        int port = 23480;
        try {
            dp.syncVips(Map.of(VIP, List.of(B))); // b is the VIP's only backend
            assertThat(getFrom(port, VIP, 8080)).as("the VIP flow from the port").isEqualTo("b");
            assertThat(revNatVip(B, A, port)).as("the ended VIP flow left b's reply entry").isEqualTo(VIP);
            // the same client port, now straight to b: b's answers must keep b's address, not be rewritten to the VIP
            assertThat(getFrom(port, B, 8080)).as("a direct connection from the VIP flow's port").isEqualTo("b");
            assertThat(revNatVip(B, A, port)).as("the direct SYN dropped the stale reply entry").isNull();
        } finally {
            dp.syncVips(Map.of(VIP, List.of(B, C)));
        }
    }

    @Test
    @Order(13)
    void aClientReusingItsPortAcrossTwoVipsOfOneBackendIsAnsweredEveryTime() throws Exception {
        int port = 23481;
        try {
            dp.syncVips(Map.of(VIP, List.of(B), VIP2, List.of(B))); // two VIPs, both with b as their only backend
            assertThat(getFrom(port, VIP, 8080)).as("first through the first VIP").isEqualTo("b");
            assertThat(revNatVip(B, A, port)).isEqualTo(VIP);
            assertThat(getFrom(port, VIP2, 8080)).as("then through the second VIP, same port").isEqualTo("b");
            assertThat(revNatVip(B, A, port)).isEqualTo(VIP2);
            // the tuple still has its conntrack entry from the first flow: its SYN must point b's reply entry back at VIP
            assertThat(getFrom(port, VIP, 8080)).as("again through the first VIP, same port").isEqualTo("b");
            assertThat(revNatVip(B, A, port)).as("b's replies name the VIP the flow went to").isEqualTo(VIP);
        } finally {
            dp.syncVips(Map.of(VIP, List.of(B, C)));
        }
    }

    /** The VIP the rev_nat entry of (backend:8080 -> client:port, TCP) names, or null when there is none. */
    static String revNatVip(String backend, String client, int port) throws Exception {
        for (Map.Entry<List<Integer>, List<Integer>> e : dump("rev_nat").entrySet()) {
            List<Integer> k = e.getKey();
            String saddr = k.get(0) + "." + k.get(1) + "." + k.get(2) + "." + k.get(3);
            String daddr = k.get(4) + "." + k.get(5) + "." + k.get(6) + "." + k.get(7);
            int sport = (k.get(8) << 8) | k.get(9), dport = (k.get(10) << 8) | k.get(11);
            if (saddr.equals(backend) && daddr.equals(client) && sport == 8080 && dport == port && k.get(12) == 6) {
                List<Integer> v = e.getValue();
                return v.get(0) + "." + v.get(1) + "." + v.get(2) + "." + v.get(3);
            }
        }
        return null;
    }

    /** The backend the conntrack entry of (client:port -> VIP:8080, TCP) pins, or null when there is none. */
    static String conntrackBackend(String client, int port) throws Exception {
        for (Map.Entry<List<Integer>, List<Integer>> e : dump("conntrack").entrySet()) {
            List<Integer> k = e.getKey();
            String saddr = k.get(0) + "." + k.get(1) + "." + k.get(2) + "." + k.get(3);
            String daddr = k.get(4) + "." + k.get(5) + "." + k.get(6) + "." + k.get(7);
            int sport = (k.get(8) << 8) | k.get(9), dport = (k.get(10) << 8) | k.get(11);
            if (saddr.equals(client) && daddr.equals(VIP) && sport == port && dport == 8080 && k.get(12) == 6) {
                List<Integer> v = e.getValue();
                return v.get(0) + "." + v.get(1) + "." + v.get(2) + "." + v.get(3);
            }
        }
        return null;
    }

    /** rev_nat keys as {saddr, daddr, sport, dport}. */
    static List<String[]> revNatKeys() throws Exception {
        List<String[]> out = new ArrayList<>();
        for (List<Integer> k : dump("rev_nat").keySet()) {
            out.add(new String[] {k.get(0) + "." + k.get(1) + "." + k.get(2) + "." + k.get(3),
                    k.get(4) + "." + k.get(5) + "." + k.get(6) + "." + k.get(7),
                    String.valueOf((k.get(8) << 8) | k.get(9)), String.valueOf((k.get(10) << 8) | k.get(11))});
        }
        return out;
    }

    /** A pinned map's raw keys and values (bpftool -j prints them as arrays of "0x.." bytes). */
    static Map<List<Integer>, List<Integer>> dump(String map) throws Exception {
        String json = run(List.of("bpftool", "-j", "map", "dump", "pinned", PIN_DIR.resolve(map).toString()), 10);
        Map<List<Integer>, List<Integer>> out = new HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"key\":\\[([^\\]]*)\\],\"value\":\\[([^\\]]*)\\]").matcher(json);
        while (m.find()) out.put(bytes(m.group(1)), bytes(m.group(2)));
        return out;
    }

    private static List<Integer> bytes(String hexList) {
        List<Integer> out = new ArrayList<>();
        for (String h : hexList.split(",")) {
            String t = h.strip().replace("\"", "");
            if (!t.isEmpty()) out.add(Integer.parseInt(t.substring(2), 16));
        }
        return out;
    }

    /** Tcp InSegs of a namespace (/proc/net/snmp): every TCP segment its stack received. */
    static long tcpInSegs(String n) throws Exception {
        List<String> tcp = run(List.of("ip", "netns", "exec", "yoqbpf-" + n, "cat", "/proc/net/snmp"), 10).lines()
                .filter(l -> l.startsWith("Tcp:")).toList();
        List<String> names = List.of(tcp.get(0).split(" ")), values = List.of(tcp.get(1).split(" "));
        return Long.parseLong(values.get(names.indexOf("InSegs")));
    }

    /**
     * One HTTP/1.0 GET from namespace a with a fixed local port ({@link FixedPortGet} in a JVM under ip netns exec:
     * busybox nc ignores -p when it connects); the body stripped, or null when it failed.
     */
    static String getFrom(int localPort, String host, int port) throws Exception {
        return getFrom("0.0.0.0", localPort, host, port);
    }

    /** The same from a given local address of namespace a (0.0.0.0: the kernel's choice). */
    static String getFrom(String localAddr, int localPort, String host, int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of(FixedPortGet.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Process p = start("ip", "netns", "exec", "yoqbpf-a", java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classes,
                FixedPortGet.class.getName(), String.valueOf(localPort), host, String.valueOf(port), localAddr);
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        String all = answer.get(2, TimeUnit.SECONDS);
        int body = all.indexOf("\r\n\r\n");
        if (p.exitValue() != 0 || !all.startsWith("HTTP/1.") || !all.contains(" 200 ") || body < 0) return null;
        return all.substring(body + 4).strip();
    }

    /**
     * GET / from a fixed local port (args: localPort host port [localAddr]), printing the raw answer. The server closes first and
     * we close with an RST (linger 0), so neither end keeps a TIME_WAIT that would stand in the way of the next
     * connection on the same 5-tuple.
     */
    public static final class FixedPortGet {
        public static void main(String[] args) throws Exception {
            try (Socket s = new Socket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(args.length > 3 ? args[3] : "0.0.0.0", Integer.parseInt(args[0])));
                s.connect(new InetSocketAddress(args[1], Integer.parseInt(args[2])), 4000);
                s.setSoTimeout(4000);
                s.setSoLinger(true, 0);
                s.getOutputStream().write(("GET / HTTP/1.0\r\nHost: " + args[1] + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                System.out.print(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                System.out.flush();
            }
        }
    }

    /** One HTTP GET from namespace a, bounded to 4 seconds by timeout(1) (busybox wget has no -T); the body stripped, or null when it failed. */
    static String get(String host, int port) throws Exception {
        return getIn("yoqbpf-a", host, port);
    }

    /** The same from another of this test's namespaces. */
    static String getIn(String ns, String host, int port) throws Exception {
        Process p = start("ip", "netns", "exec", ns, "/bin/busybox", "timeout", "4", "/bin/busybox", "wget", "-q",
                "-O", "-", "http://" + host + ":" + port + "/");
        CompletableFuture<String> body = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        if (!p.waitFor(6, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        String out = body.get(2, TimeUnit.SECONDS).strip();
        return p.exitValue() == 0 ? out : null;
    }

    static String line(BufferedReader in) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return in.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(5, TimeUnit.SECONDS);
    }

    static Process start(String... cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    static void ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(cmd + ": " + out);
    }

    static void quiet(String... cmd) throws Exception {
        run(List.of(cmd), 10);
    }

    static String run(List<String> cmd, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) p.destroyForcibly();
        return out;
    }
}
