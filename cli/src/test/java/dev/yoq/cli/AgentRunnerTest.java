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

    @Test
    void a_replica_whose_address_is_not_the_one_on_record_is_reported_running_again_once() {
        AgentRunner runner = new AgentRunner(null, null, () -> null, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
        String agent = "0123456789ab";
        var a = new AgentWork.Assignment("aaaaaaaaaaaa", "running", "reg/web:1", "", 100, 64, "web");
        var container = new AgentWork.Local("c1", AgentWork.containerName(a, agent), "running", null, 0);
        var addresses = java.util.Map.of("aaaaaaaaaaaa", "10.42.2.7");
        assertThat(runner.moved(java.util.List.of(a), java.util.List.of(container), agent, java.util.List.of(), java.util.Map.of("aaaaaaaaaaaa", "10.42.2.7"),
                addresses)).as("on record").isEmpty();
        assertThat(runner.moved(java.util.List.of(a), java.util.List.of(container), agent, java.util.List.of(), java.util.Map.of("aaaaaaaaaaaa", ""), addresses))
                .containsExactly(new AgentWork.Report("aaaaaaaaaaaa", "running", null));
        assertThat(runner.moved(java.util.List.of(a), java.util.List.of(container), agent, java.util.List.of(), java.util.Map.of("aaaaaaaaaaaa", ""), addresses))
                .as("the servers kept none (not this agent's subnet): not asked again every cycle").isEmpty();
        var starting = new AgentWork.Local("c1", AgentWork.containerName(a, agent), "running", null, 0, "starting");
        assertThat(runner.moved(java.util.List.of(a), java.util.List.of(starting), agent, java.util.List.of(), java.util.Map.of("aaaaaaaaaaaa", "10.42.2.1"),
                addresses)).as("not while its check has not passed").isEmpty();
    }
}
