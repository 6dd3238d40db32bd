package dev.yoq.cluster.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.model.WorkloadRunRecord;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentRunsTest {
    static Work run(String agent, String status, String reason) {
        return new Work("0123456789ab", agent, status, reason, "reg/tools:1", "migrate", 1000, 256, "shop", "worker", "migrate", "r1", null,
                Map.of(), "{}", 1_700_000_000_000L);
    }

    @Test
    void a_finished_run_carries_the_time_its_agent_reported_it_ended_and_a_running_one_none() {
        WorkloadRunRecord ok = AgentRuns.of(run("feedfacecafe", "stopped", "exited with code 0"), 1_700_000_042_000L);
        assertThat(ok.getFinishedAt()).isEqualTo(1_700_000_042_000L);
        assertThat(ok.getOutcome()).isEqualTo("succeeded");
        assertThat(ok.getExitCode()).isZero();
        assertThat(ok.getMessage()).isEqualTo("on agent feedfacecafe: exited with code 0");
        assertThat(AgentRuns.of(run("feedfacecafe", "running", null), 1_700_000_042_000L).getFinishedAt()).isNull();
    }

    @Test
    void a_run_reads_running_until_its_agent_reports_its_exit_then_succeeded_on_0_and_failed_with_the_code_otherwise() {
        WorkloadRunRecord waiting = AgentRuns.of(run("", "pending", "unschedulable: no node has 1000m CPU free"));
        assertThat(waiting.getOutcome()).isEqualTo("running");
        assertThat(waiting.getMessage()).isEqualTo("waiting for an agent: unschedulable: no node has 1000m CPU free");
        assertThat(waiting.getExitCode()).isNull();

        WorkloadRunRecord ok = AgentRuns.of(run("feedfacecafe", "stopped", "exited with code 0"));
        assertThat(ok.getOutcome()).isEqualTo("succeeded");
        assertThat(ok.getExitCode()).isZero();
        assertThat(ok.getMessage()).isEqualTo("on agent feedfacecafe: exited with code 0");
        assertThat(ok.getKind()).isEqualTo("worker");
        assertThat(ok.getName()).isEqualTo("migrate");
        assertThat(ok.getContainerId()).as("not on this node").isNull();
        assertThat(ok.getFinishedAt()).as("a report recorded before reports carried their time").isNull();
        assertThat(ok.getStartedAt()).isEqualTo(1_700_000_000_000L);

        WorkloadRunRecord bad = AgentRuns.of(run("feedfacecafe", "failed", "exited with code 3"));
        assertThat(bad.getOutcome()).isEqualTo("failed");
        assertThat(bad.getExitCode()).isEqualTo(3);

        assertThat(AgentRuns.of(run("feedfacecafe", "failed", "start failed: image pull: helper exited with code 1")).getExitCode())
                .as("only the agent's own words for an exit carry a code").isNull();
        WorkloadRunRecord stopped = AgentRuns.of(run("feedfacecafe", "failed", "stopped on the node before it ended"));
        assertThat(stopped.getOutcome()).isEqualTo("failed");
        assertThat(stopped.getExitCode()).isNull();
    }
}
