package dev.yoq.node.daemon.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.yoq.node.daemon.sys.Commands;
import dev.yoq.node.protocol.OverlayPlan;
import dev.yoq.node.protocol.OverlaySpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes' overlays as {@link OverlayPlan} lays them out (node 1 a hub, nodes 2 and 3 agents), each in a network
 * namespace of this test's own ({@code yoqwgit1..3}, wired to a bridge in {@code yoqwgit0} on 10.237.77.0/24),
 * with WireGuard interfaces {@code wgyoqit1..3} (kernel WireGuard where present, wireguard-go otherwise) made from
 * nothing: handshakes, an agent reaching the other agent's container subnet through the hub, a peer removed, an
 * interface that went away made again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WireguardOverlayIT {
    static final String LAN = "yoqwgit0";
    @TempDir static Path tmp;
    static final List<WireguardOverlay> nodes = new ArrayList<>();
    static final List<String> keys = new ArrayList<>();

    static String ns(int n) { return "yoqwgit" + n; }

    static String sh(String... cmd) throws Exception {
        Commands.Result r = Commands.exec(List.of(cmd), 20);
        assertThat(r.exit()).as(String.join(" ", cmd) + ": " + r.output()).isZero();
        return r.output();
    }

    @BeforeAll
    static void lab() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean tools = Commands.exec(List.of("sh", "-c", "command -v wg && command -v wireguard-go"), 5).exit() == 0;
        if (!root || !tools) System.err.println("*** SKIPPED overlay test: needs root, wg and wireguard-go (apt install wireguard-tools wireguard-go) ***");
        assumeTrue(root && tools, "the overlay test needs root, wg and wireguard-go");
        cleanUp();
        sh("ip", "netns", "add", LAN);
        sh("ip", "-n", LAN, "link", "add", "yoqwgitbr", "type", "bridge");
        sh("ip", "-n", LAN, "link", "set", "yoqwgitbr", "up");
        for (int n = 1; n <= 3; n++) {
            sh("ip", "netns", "add", ns(n));
            sh("ip", "link", "add", "yoqwgitv" + n, "netns", ns(n), "type", "veth", "peer", "name", "yoqwgitp" + n, "netns", LAN);
            sh("ip", "-n", LAN, "link", "set", "yoqwgitp" + n, "master", "yoqwgitbr", "up");
            sh("ip", "-n", ns(n), "addr", "add", "10.237.77." + n + "/24", "dev", "yoqwgitv" + n);
            sh("ip", "-n", ns(n), "link", "set", "yoqwgitv" + n, "up");
            sh("ip", "-n", ns(n), "link", "set", "lo", "up");
            // the node's container subnet, as its bridge would carry it
            sh("ip", "-n", ns(n), "link", "add", "yoqwgitc" + n, "type", "bridge");
            sh("ip", "-n", ns(n), "addr", "add", "10.42." + n + ".1/24", "dev", "yoqwgitc" + n);
            sh("ip", "-n", ns(n), "link", "set", "yoqwgitc" + n, "up");
            nodes.add(new WireguardOverlay("wgyoqit" + n, tmp.resolve("n" + n), List.of("ip", "netns", "exec", ns(n)), System.err::println));
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        Commands.exec(List.of("pkill", "-f", "wireguard-go wgyoqit"), 5);
        for (int n = 0; n <= 3; n++) Commands.exec(List.of("ip", "netns", "del", ns(n)), 10);
    }

    static List<OverlayPlan.Node> cluster(int... members) {
        List<OverlayPlan.Node> list = new ArrayList<>();
        for (int n : members) {
            list.add(new OverlayPlan.Node(n, "agent" + n, keys.get(n - 1), "10.237.77." + n + ":51820", "10.40.0." + n, "10.42." + n + ".0/24", n == 1, true));
        }
        return list;
    }

    static Map<String, Object> applyPlan(int n, int... members) throws Exception {
        return nodes.get(n - 1).apply(OverlayPlan.plan("agent" + n, cluster(members)).orElseThrow());
    }

    /** A TCP connect from node {@code from} to {@code address}: refused by the far stack means the packets got there. */
    static String connect(int from, String address) throws Exception {
        return Commands.exec(List.of("ip", "netns", "exec", ns(from), "timeout", "10", "bash", "-c", "exec 3<>/dev/tcp/" + address + "/9"), 15).output();
    }

    @Test
    @Order(1)
    void theKeyIsMadeOnceBeforeAnyInterface() throws Exception {
        for (WireguardOverlay node : nodes) keys.add((String) node.apply(new OverlaySpec(null, 0, false, List.of())).get("public_key"));
        assertThat(keys).allSatisfy(k -> assertThat(OverlaySpec.isKey(k)).isTrue()).doesNotHaveDuplicates();
        assertThat(nodes.get(0).apply(new OverlaySpec(null, 0, false, List.of())).get("public_key")).isEqualTo(keys.get(0));
        assertThat(nodes.get(0).status()).containsEntry("up", false);
    }

    @Test
    @Order(2)
    void anAgentReachesTheOtherAgentsContainerSubnetThroughTheHub() throws Exception {
        Map<String, Object> hub = applyPlan(1, 1, 2, 3);
        applyPlan(2, 1, 2, 3);
        applyPlan(3, 1, 2, 3);
        System.out.println("overlay mode: " + hub.get("mode"));
        assertThat(hub).containsEntry("up", true).containsEntry("public_key", keys.get(0)).containsEntry("addresses", List.of("10.40.0.1/24"));
        assertThat(sh("ip", "netns", "exec", ns(1), "sysctl", "-n", "net.ipv4.ip_forward")).isEqualTo("1");
        assertThat(sh("ip", "-n", ns(2), "-4", "-o", "route", "show", "dev", "wgyoqit2")).contains("10.42.3.0/24").contains("10.42.1.0/24");
        assertThat(connect(2, "10.42.1.1")).as("agent to hub's containers").contains("Connection refused");
        assertThat(connect(2, "10.42.3.1")).as("agent to agent's containers, relayed by the hub").contains("Connection refused");
        assertThat(connect(3, "10.40.0.2")).as("and back").contains("Connection refused");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> peers = (List<Map<String, Object>>) nodes.get(1).status().get("peers");
        assertThat(peers).as("an agent peers with the hub only").singleElement().satisfies(p -> {
            assertThat(p).containsEntry("public_key", keys.get(0));
            assertThat((Long) p.get("latest_handshake")).as("a completed handshake").isPositive();
        });
        assertThat(java.nio.file.Files.getPosixFilePermissions(tmp.resolve("n1").resolve("wgyoqit1.conf")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    @Order(3)
    void aNodeThatLeftTakesItsPeerAndRoutesWithItAndApplyingAgainChangesNothing() throws Exception {
        applyPlan(1, 1, 2);
        Map<String, Object> s = applyPlan(1, 1, 2);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> peers = (List<Map<String, Object>>) s.get("peers");
        assertThat(peers).extracting(p -> p.get("public_key")).containsExactly(keys.get(1));
        assertThat(sh("ip", "-n", ns(1), "-4", "-o", "route", "show", "dev", "wgyoqit1")).doesNotContain("10.42.3.0/24").contains("10.42.2.0/24");
        assertThat(s.get("addresses")).isEqualTo(List.of("10.40.0.1/24"));
        assertThat(connect(1, "10.42.2.1")).contains("Connection refused");
    }

    @Test
    @Order(4)
    void anInterfaceThatWentAwayIsMadeAgainAndBadInputChangesNothing() throws Exception {
        Commands.exec(List.of("pkill", "-f", "wireguard-go wgyoqit2"), 5);
        Commands.exec(List.of("ip", "-n", ns(2), "link", "del", "wgyoqit2"), 5);
        assertThat(nodes.get(1).status()).containsEntry("up", false);
        assertThat(applyPlan(2, 1, 2)).containsEntry("up", true).containsEntry("public_key", keys.get(1));
        assertThat(connect(2, "10.42.1.1")).contains("Connection refused");
        assertThatThrownBy(() -> nodes.get(1).apply(new OverlaySpec("10.40.0.2/24", 51820, false, List.of(
                new OverlaySpec.Peer(keys.get(0), "10.237.77.1:51820 ; reboot", List.of(), 25))))).hasMessageContaining("is not ipv4:port");
        assertThat(nodes.get(1).status()).containsEntry("up", true);
    }
}
