package dev.yoq.cluster.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RaftPeerAddressTest {
    @Test
    void peers_are_id_at_ipv4_colon_port_with_9700_by_default() {
        assertThat(RaftPeerAddress.parseList("1@10.0.0.1:9700, 2@10.0.0.2"))
                .containsExactly(new RaftPeerAddress(1, "10.0.0.1", 9700), new RaftPeerAddress(2, "10.0.0.2", 9700));
        assertThat(RaftPeerAddress.parseList("")).isEmpty();
        assertThat(new RaftPeerAddress(3, "10.0.0.3", 9701).address()).isEqualTo("10.0.0.3:9701");
    }

    @Test
    void a_wrong_peer_list_is_refused_naming_the_peer() {
        assertThatThrownBy(() -> RaftPeerAddress.parse("10.0.0.1:9700")).hasMessage("peer must be id@ipv4:port, got 10.0.0.1:9700");
        assertThatThrownBy(() -> RaftPeerAddress.parse("x@10.0.0.1")).hasMessage("peer id must be a number: x@10.0.0.1");
        assertThatThrownBy(() -> RaftPeerAddress.parse("0@10.0.0.1")).hasMessage("peer id must be 1-65534, got 0");
        assertThatThrownBy(() -> RaftPeerAddress.parse("1@host.example:9700")).hasMessage("peer 1: address must be an IPv4 address, got host.example");
        assertThatThrownBy(() -> RaftPeerAddress.parse("1@10.0.0.1:99999")).hasMessage("peer 1: port must be 1-65535, got 99999");
        assertThatThrownBy(() -> RaftPeerAddress.parse("1@10.0.0.1:x")).hasMessage("peer port must be a number: 1@10.0.0.1:x");
        assertThatThrownBy(() -> RaftPeerAddress.parseList("1@10.0.0.1,1@10.0.0.2")).hasMessage("peer id 1 listed twice");
    }
}
