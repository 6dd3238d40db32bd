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
                "link add veth_0123456789 type veth peer name eth0 netns yoq-0123456789ab", "link set veth_0123456789 master yoq0 up",
                "link set veth_0123456789 type bridge_slave hairpin on");
    }

    @Test
    void the_ruleset_replaces_only_yoqs_table_and_is_the_same_whatever_the_order() {
        String a = PLAN.ruleset(List.of(net("10.42.0.2", new PortMapping("tcp", 8080, 80)), net("10.42.0.3", new PortMapping("udp", 53, 53))), java.util.Map.of(), List.of());
        String b = PLAN.ruleset(List.of(net("10.42.0.3", new PortMapping("udp", 53, 53)), net("10.42.0.2", new PortMapping("tcp", 8080, 80))), java.util.Map.of(), List.of());
        assertThat(a).isEqualTo(b);
        assertThat(a).startsWith("table ip yoq\ndelete table ip yoq\ntable ip yoq {\n")
                .contains("fib daddr type local tcp dport 8080 dnat to 10.42.0.2:80")
                .contains("fib daddr type local udp dport 53 dnat to 10.42.0.3:53")
                .contains("ip saddr 10.42.0.0/16 ip daddr != 10.42.0.0/16 oifname != \"wg-yoq\" masquerade")
                .contains("ip saddr 127.0.0.0/8 ip daddr 10.42.0.0/16 masquerade")
                .contains("oifname \"wg-yoq\" ip saddr != 10.42.0.0/16 ct status dnat masquerade")
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
        assertThat(PLAN.ruleset(List.of(), names, List.of())).as("no policy: only the VIP range guard")
                .contains("chain forward").doesNotContain("ct state").doesNotContain(" drop");
    }

    @Test
    void without_published_ports_only_nat_remains() {
        assertThat(PLAN.ruleset(List.of(), java.util.Map.of(), List.of())).doesNotContainPattern(" dnat (ip )?to ").contains("masquerade");
    }

    @Test
    void another_installs_names_are_used_throughout() {
        NetworkPlan other = new NetworkPlan(new NodeNames("yoqt0", "10.242.0.0/16", "yoq_t", "yoqt-", "yoq_t", "10.251.0.0/16"));
        assertThat(other.bridge()).containsExactly("link add yoqt0 type bridge", "addr add 10.242.0.1/16 dev yoqt0", "link set yoqt0 up");
        assertThat(other.attach("0123456789ab")).containsExactly("netns add yoqt-0123456789ab",
                "link add veth_0123456789 type veth peer name eth0 netns yoqt-0123456789ab", "link set veth_0123456789 master yoqt0 up",
                "link set veth_0123456789 type bridge_slave hairpin on");
        assertThat(other.ruleset(List.of(), java.util.Map.of(), List.of())).startsWith("table ip yoq_t\ndelete table ip yoq_t\n")
                .contains("ip saddr 10.242.0.0/16 ip daddr != 10.242.0.0/16 oifname != \"wg-yoq\" masquerade").doesNotContain("10.42.").doesNotContain("table ip yoq\n");
    }

    static dev.yoq.node.protocol.ServiceVip vip(String name, String vip, List<PortMapping> ports, List<String> backends) {
        return new dev.yoq.node.protocol.ServiceVip(name, List.of(), vip, ports, backends, backends);
    }

    @Test
    void a_vip_spreads_flows_over_its_backends_by_a_hash_of_the_flow() {
        String rules = PLAN.ruleset(List.of(), java.util.Map.of(), List.of(), List.of(
                vip("shop-web", "10.43.0.2", List.of(new PortMapping("tcp", 8080, 80)), List.of("10.42.0.2", "10.42.0.3", "10.42.0.4")),
                vip("shop-db", "10.43.0.3", List.of(), List.of("10.42.0.5"))));
        assertThat(rules).contains("    ip daddr 10.43.0.2 meta l4proto { tcp, udp } dnat to jhash ip saddr . th sport mod 3 seed "
                        + VipRules.SEED + " map { 0 : 10.42.0.2, 1 : 10.42.0.3, 2 : 10.42.0.4 }\n")
                .contains("    ip daddr 10.43.0.3 meta l4proto { tcp, udp } dnat to 10.42.0.5\n")
                .as("containers and the host's own connections").satisfies(r -> assertThat(r.split("ip daddr 10.43.0.3 meta").length - 1).isEqualTo(2))
                .contains("fib daddr type local tcp dport 8080 dnat ip to jhash ip saddr . tcp sport mod 3 seed " + VipRules.SEED
                        + " map { 0 : 10.42.0.2 . 80, 1 : 10.42.0.3 . 80, 2 : 10.42.0.4 . 80 }")
                .as("whatever no DNAT caught is refused, never routed upstream").contains("ip daddr 10.43.0.0/16 reject")
                .as("a replica calling its own VIP").contains("    ip saddr 10.42.0.3 ip daddr 10.42.0.3 masquerade\n");
    }

    @Test
    void a_vip_without_backends_has_no_dnat_and_is_refused() {
        String rules = PLAN.ruleset(List.of(), java.util.Map.of(), List.of(),
                List.of(vip("shop-web", "10.43.0.2", List.of(new PortMapping("tcp", 8080, 80)), List.of())));
        assertThat(rules).doesNotContain("10.43.0.2").doesNotContain("dport 8080").contains("ip daddr 10.43.0.0/16 reject");
    }

    @Test
    void a_policy_naming_a_service_covers_all_its_replicas() {
        var names = new java.util.TreeMap<String, List<String>>();
        names.put("shop-web", List.of("10.42.0.3", "10.42.0.2"));
        names.put("shop-db", List.of("10.42.0.9"));
        String rules = PLAN.ruleset(List.of(), names, List.of(new dev.yoq.node.protocol.NetworkPolicy("shop-web", "shop-db", "deny")), List.of());
        assertThat(rules).contains("ip saddr { 10.42.0.2, 10.42.0.3 } ip daddr 10.42.0.9 drop");
    }
}
