package dev.yoq.cluster.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NodeNumbersTest {
    @Test
    void agent_ids_are_12_lowercase_hex_and_seeded() {
        String a = NodeNumbers.agentId(new SplittableRandom(1));
        assertThat(a).matches("[0-9a-f]{12}");
        assertThat(NodeNumbers.agentId(new SplittableRandom(1))).isEqualTo(a);
        assertThat(NodeNumbers.agentId(new SplittableRandom(2))).isNotEqualTo(a);
    }

    @Test
    void the_lowest_free_node_id_is_reused() {
        assertThat(NodeNumbers.lowestFreeNodeId(List.of())).isEqualTo(1);
        assertThat(NodeNumbers.lowestFreeNodeId(List.of(1, 2, 4))).isEqualTo(3);
        assertThat(NodeNumbers.lowestFreeNodeId(IntStream.rangeClosed(1, 300).boxed().toList())).isEqualTo(301);
        assertThatThrownBy(() -> NodeNumbers.lowestFreeNodeId(IntStream.rangeClosed(1, 65534).boxed().toList()))
                .hasMessageContaining("no free node id");
    }

    @Test
    void overlay_addresses_and_container_subnets_follow_the_spec() {
        assertThat(NodeNumbers.overlayIp(1)).isEqualTo("10.40.0.1");
        assertThat(NodeNumbers.overlayIp(254)).isEqualTo("10.40.0.254");
        assertThat(NodeNumbers.overlayIp(255)).isEqualTo("10.40.0.255");
        assertThat(NodeNumbers.overlayIp(256)).isEqualTo("10.40.1.0");
        assertThat(NodeNumbers.overlayIp(65534)).isEqualTo("10.40.255.254");
        assertThat(NodeNumbers.containerSubnet(1)).isEqualTo("10.42.1.0/24");
        assertThat(NodeNumbers.containerSubnet(254)).isEqualTo("10.42.254.0/24");
        assertThat(NodeNumbers.containerSubnet(255)).isEqualTo("10.42.255.0/24");
        assertThat(NodeNumbers.containerSubnet(256)).isEqualTo("10.43.0.0/24");
        assertThat(NodeNumbers.containerSubnet(53247)).isEqualTo("10.249.255.0/24");
        assertThatThrownBy(() -> NodeNumbers.containerSubnet(65534)).hasMessageContaining("has no container subnet");
        assertThatThrownBy(() -> NodeNumbers.overlayIp(0)).hasMessageContaining("node id must be 1-65534");
    }
}
