package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class AgentRunnerTest {
    @Test
    void a_running_replica_whose_assignment_went_is_removed_only_after_every_node_dropped_it_from_its_vip() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AgentRunner runner = new AgentRunner(null, null, () -> null, new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream()));
        AgentWork.Remove running = new AgentWork.Remove("c1", true);
        assertThat(AgentRunner.DRAIN_MS).as("longer than a node's table takes to change").isGreaterThan(2 * AgentServices.PERIOD_MS);
        assertThat(runner.drained(running, 10_000)).as("first seen: draining").isFalse();
        assertThat(out.toString()).contains("draining container c1").contains("removed in 5 s");
        assertThat(runner.drained(running, 10_000 + AgentRunner.DRAIN_MS - 1)).isFalse();
        assertThat(runner.drained(running, 10_000 + AgentRunner.DRAIN_MS)).isTrue();
        assertThat(runner.drained(new AgentWork.Remove("c2", false), 10_000)).as("a stopped one goes at once").isTrue();
    }
}
