package dev.yoq.cluster.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.cluster.agent.Liveness.Action;
import dev.yoq.cluster.agent.Liveness.Agent;
import dev.yoq.cluster.agent.Liveness.Decision;
import dev.yoq.cluster.schedule.NodeStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class LivenessTest {
    @Test
    void the_multiplier_grows_with_the_gossip_membership_up_to_10() {
        assertThat(Liveness.multiplier(0)).isEqualTo(1);
        assertThat(Liveness.multiplier(1)).isEqualTo(1);
        assertThat(Liveness.multiplier(3)).isEqualTo(2);
        assertThat(Liveness.multiplier(4)).isEqualTo(3);
        assertThat(Liveness.multiplier(1023)).isEqualTo(10);
        assertThat(Liveness.multiplier(100_000)).isEqualTo(10);
        assertThat(Liveness.offlineAfterMs(0)).isEqualTo(30_000);
        assertThat(Liveness.heartbeatMs(7)).isEqualTo(15_000);
    }

    @Test
    void an_agent_silent_past_30_s_goes_offline_and_after_an_hour_offline_is_forgotten() {
        long now = 10_000_000;
        List<Agent> agents = List.of(
                new Agent("fresh", NodeStatus.ACTIVE, now - 30_000, 0),
                new Agent("silent", NodeStatus.ACTIVE, now - 30_001, 0),
                new Agent("draining", NodeStatus.DRAINING, now - 900_000, 0),
                new Agent("lately-offline", NodeStatus.OFFLINE, now - 900_000, now - 3_600_000),
                new Agent("long-offline", NodeStatus.OFFLINE, now - 9_000_000, now - 3_600_001));
        assertThat(Liveness.evaluate(agents, now, 0, java.util.Set.of())).containsExactly(
                new Decision("silent", Action.MARK_OFFLINE), new Decision("long-offline", Action.FORGET));
        // with 7 gossip members the threshold is 90 s
        assertThat(Liveness.evaluate(List.of(new Agent("a", NodeStatus.ACTIVE, now - 60_000, 0)), now, 7, java.util.Set.of())).isEmpty();
    }

    @Test
    void a_heartbeat_brings_an_offline_agent_back_but_draining_is_sticky() {
        assertThat(Liveness.afterHeartbeat(NodeStatus.OFFLINE)).isEqualTo(NodeStatus.ACTIVE);
        assertThat(Liveness.afterHeartbeat(NodeStatus.DRAINING)).isEqualTo(NodeStatus.DRAINING);
        assertThat(Liveness.afterHeartbeat(NodeStatus.ACTIVE)).isEqualTo(NodeStatus.ACTIVE);
    }

    @Test
    void gossip_takes_an_active_agent_offline_once_it_also_missed_two_heartbeats_and_never_a_draining_one() {
        long now = 1_000_000;
        var quiet = new Agent("a1", NodeStatus.ACTIVE, now - 11_000, 0);
        var recent = new Agent("a2", NodeStatus.ACTIVE, now - 4_000, 0);
        var draining = new Agent("a3", NodeStatus.DRAINING, now - 20_000, 0);
        var alive = new Agent("a4", NodeStatus.ACTIVE, now - 11_000, 0);
        assertThat(Liveness.evaluate(List.of(quiet, recent, draining, alive), now, 0, java.util.Set.of("a1", "a2", "a3")))
                .as("a4 is not held dead; a2's heartbeat is recent (UDP may be blocked); a3 drains")
                .containsExactly(new Decision("a1", Action.MARK_OFFLINE_GOSSIP));
        assertThat(Liveness.evaluate(List.of(quiet), now, 0, java.util.Set.of())).as("without gossip: the 30 s rule alone").isEmpty();
    }
}
