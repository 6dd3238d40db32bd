package dev.yoq.cluster.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GossipIdsTest {
    @Test
    void agents_and_servers_get_member_ids_that_never_collide_and_read_back() {
        long agent = GossipIds.ofAgent("ffffffffffff");
        long server = GossipIds.ofServer(1);
        assertThat(agent).isLessThan(server);
        assertThat(GossipIds.agentOf(agent)).isEqualTo("ffffffffffff");
        assertThat(GossipIds.agentOf(GossipIds.ofAgent("00000000002a"))).isEqualTo("00000000002a");
        assertThat(GossipIds.agentOf(server)).isNull();
        assertThat(GossipIds.isServer(server)).isTrue();
        assertThat(GossipIds.isServer(agent)).isFalse();
        assertThatThrownBy(() -> GossipIds.ofAgent("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void seeds_read_back_and_malformed_ones_are_skipped() {
        String seed = GossipIds.seed(GossipIds.ofServer(2), "10.0.0.2", 9800);
        List<Member> members = GossipIds.parseSeeds(List.of(seed, "x@10.0.0.3:9800", "3@10.0.0.300:9800", "4@10.0.0.4:70000",
                "5@10.0.0.5"));
        assertThat(members).containsExactly(Member.alive(GossipIds.ofServer(2), "10.0.0.2", 9800));
    }
}
