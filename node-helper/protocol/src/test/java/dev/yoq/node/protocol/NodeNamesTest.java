package dev.yoq.node.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every node-level name is a setting (the hardening issue's finding 8). */
class NodeNamesTest {
    @Test
    void defaults_are_the_original_names_and_the_gateway_is_the_first_address() {
        NodeNames n = NodeNames.fromEnv(Map.of());
        assertThat(n).isEqualTo(NodeNames.DEFAULTS);
        assertThat(n.gateway()).isEqualTo("10.42.0.1");
        assertThat(NodeNames.text(n.firstLease())).isEqualTo("10.42.0.2");
        assertThat(NodeNames.text(n.lastLease())).isEqualTo("10.42.255.254");
        assertThat(n.netns("abc")).isEqualTo("yoq-abc");
    }

    @Test
    void a_test_suite_or_a_lab_node_takes_names_of_its_own() {
        NodeNames n = NodeNames.fromEnv(Map.of("YOQ_BRIDGE", "yoqt0", "YOQ_SUBNET", "10.243.0.0/24", "YOQ_NFT_TABLE", "yoq_test",
                "YOQ_NETNS_PREFIX", "yoqt-", "YOQ_CGROUP_PARENT", "yoq_test"));
        assertThat(n.gateway()).isEqualTo("10.243.0.1");
        assertThat(NodeNames.text(n.lastLease())).isEqualTo("10.243.0.254");
        assertThat(NodeNames.fromEnv(n.asEnv())).isEqualTo(n);
    }

    @Test
    void bad_names_are_refused_naming_the_setting() {
        assertThatThrownBy(() -> NodeNames.fromEnv(Map.of("YOQ_SUBNET", "10.42.0.1/16"))).hasMessageContaining("yoq.subnet: 10.42.0.1/16 has host bits set");
        assertThatThrownBy(() -> NodeNames.fromEnv(Map.of("YOQ_SUBNET", "10.0.0.0/28"))).hasMessageContaining("/8 to /24");
        assertThatThrownBy(() -> NodeNames.fromEnv(Map.of("YOQ_BRIDGE", "a-very-long-bridge-name"))).hasMessageStartingWith("yoq.bridge:");
        assertThatThrownBy(() -> NodeNames.fromEnv(Map.of("YOQ_NFT_TABLE", "yoq; flush ruleset"))).hasMessageStartingWith("yoq.nft.table:");
        assertThat(NodeNames.envName("yoq.nft.table")).isEqualTo("YOQ_NFT_TABLE");
    }
}
