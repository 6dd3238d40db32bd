package dev.yoq.node.daemon.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.NodeNames;
import dev.yoq.node.protocol.PortMapping;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkPlanTest {
    static final NetworkPlan PLAN = new NetworkPlan(NodeNames.DEFAULTS);

    static ContainerSpec.Net net(String ip, PortMapping... ports) {
        return new ContainerSpec.Net(ip + "/16", PLAN.gateway, List.of(ports));
    }

    @Test
    void names_fit_the_kernels_15_character_limit() {
        assertThat(NetworkPlan.hostVeth("0123456789abcdef")).isEqualTo("veth_0123456789").hasSizeLessThanOrEqualTo(15);
        assertThat(PLAN.netns("0123456789ab")).isEqualTo("yoq-0123456789ab");
        assertThat(PLAN.attach("0123456789ab")).containsExactly("netns add yoq-0123456789ab",
                "link add veth_0123456789 type veth peer name eth0 netns yoq-0123456789ab", "link set veth_0123456789 master yoq0 up");
    }

    @Test
    void the_ruleset_replaces_only_yoqs_table_and_is_the_same_whatever_the_order() {
        String a = PLAN.ruleset(List.of(net("10.42.0.2", new PortMapping("tcp", 8080, 80)), net("10.42.0.3", new PortMapping("udp", 53, 53))), java.util.Map.of(), List.of());
        String b = PLAN.ruleset(List.of(net("10.42.0.3", new PortMapping("udp", 53, 53)), net("10.42.0.2", new PortMapping("tcp", 8080, 80))), java.util.Map.of(), List.of());
        assertThat(a).isEqualTo(b);
        assertThat(a).startsWith("table ip yoq\ndelete table ip yoq\ntable ip yoq {\n")
                .contains("fib daddr type local tcp dport 8080 dnat to 10.42.0.2:80")
                .contains("fib daddr type local udp dport 53 dnat to 10.42.0.3:53")
                .contains("ip saddr 10.42.0.0/16 ip daddr != 10.42.0.0/16 masquerade")
                .contains("ip saddr 127.0.0.0/8 ip daddr 10.42.0.0/16 masquerade")
                .doesNotContain("flush ruleset");
        assertThat(a.split("dport 8080").length - 1).as("incoming and locally generated").isEqualTo(2);
    }

    @Test
    void policies_resolve_names_and_wait_for_the_ones_not_there_yet() {
        var names = java.util.Map.of("web", "10.42.0.2", "db", "10.42.0.3", "api", "10.42.0.4");
        String rules = PLAN.ruleset(List.of(), names, List.of(
                new dev.yoq.node.protocol.NetworkPolicy("web", "db", "deny"),
                new dev.yoq.node.protocol.NetworkPolicy("ghost", "db", "deny"),
                new dev.yoq.node.protocol.NetworkPolicy("api", "db", "allow"),
                new dev.yoq.node.protocol.NetworkPolicy("api", "cache", "allow")));
        assertThat(rules).contains("ct state established,related accept\n"
                        + "    ip saddr 10.42.0.2 ip daddr 10.42.0.3 drop\n"
                        + "    ip saddr 10.42.0.4 ip daddr 10.42.0.0/16 ip daddr != { 10.42.0.3 } drop\n")
                .doesNotContain("ghost");
        assertThat(PLAN.ruleset(List.of(), names, List.of())).doesNotContain("chain forward");
    }

    @Test
    void without_published_ports_only_nat_remains() {
        assertThat(PLAN.ruleset(List.of(), java.util.Map.of(), List.of())).doesNotContain("dnat").contains("masquerade");
    }

    @Test
    void another_installs_names_are_used_throughout() {
        NetworkPlan other = new NetworkPlan(new NodeNames("yoqt0", "10.242.0.0/16", "yoq_t", "yoqt-", "yoq_t"));
        assertThat(other.bridge()).containsExactly("link add yoqt0 type bridge", "addr add 10.242.0.1/16 dev yoqt0", "link set yoqt0 up");
        assertThat(other.attach("0123456789ab")).containsExactly("netns add yoqt-0123456789ab",
                "link add veth_0123456789 type veth peer name eth0 netns yoqt-0123456789ab", "link set veth_0123456789 master yoqt0 up");
        assertThat(other.ruleset(List.of(), java.util.Map.of(), List.of())).startsWith("table ip yoq_t\ndelete table ip yoq_t\n")
                .contains("ip saddr 10.242.0.0/16 ip daddr != 10.242.0.0/16 masquerade").doesNotContain("10.42.").doesNotContain("table ip yoq\n");
    }
}
