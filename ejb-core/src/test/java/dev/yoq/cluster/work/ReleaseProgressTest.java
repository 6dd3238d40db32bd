package dev.yoq.cluster.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseProgressTest {
    static Work w(String id, String workload, String status, String reason) {
        return new Work(id, "a1", status, reason, "img", "", 100, 64, "shop", "service", workload, "r1", null);
    }

    @Test
    void a_release_completes_when_every_replica_runs_and_waits_before() {
        var wait = ReleaseProgress.decide(List.of(w("1", "web", "running", null), w("2", "web", "pending", null)), 0, 1_000, 300_000);
        assertThat(wait.outcome()).isEqualTo(ReleaseProgress.Outcome.WAIT);
        assertThat(wait.message()).isEqualTo("1 of 2 replicas running");
        var done = ReleaseProgress.decide(List.of(w("1", "web", "running", null), w("2", "web", "running", null)), 0, 1_000, 300_000);
        assertThat(done.outcome()).isEqualTo(ReleaseProgress.Outcome.COMPLETE);
        assertThat(done.running()).isEqualTo(2);
    }

    @Test
    void one_failed_replica_fails_the_release_naming_it_and_the_reason() {
        var v = ReleaseProgress.decide(List.of(w("1", "web", "running", null), w("2", "api", "failed", "exited with code 3")), 0, 1_000, 300_000);
        assertThat(v.outcome()).isEqualTo(ReleaseProgress.Outcome.FAIL);
        assertThat(v.message()).contains("replica 2 of api on agent a1 failed: exited with code 3").contains("previous release keeps serving");
    }

    @Test
    void replicas_not_all_running_by_the_timeout_fail_it_and_an_empty_release_never_completes_by_itself() {
        var v = ReleaseProgress.decide(List.of(w("1", "web", "running", null), new Work("2", "", "pending", "unschedulable: no room",
                "img", "", 100, 64, "shop", "service", "web", "r1", null)), 0, 301_000, 300_000);
        assertThat(v.outcome()).isEqualTo(ReleaseProgress.Outcome.FAIL);
        assertThat(v.message()).startsWith("readiness_timeout: 1 of 2 replicas running after 300 s; e.g. 2 unplaced (unschedulable: no room)");
        assertThat(ReleaseProgress.decide(List.of(), 0, 1_000, 300_000).outcome()).isEqualTo(ReleaseProgress.Outcome.WAIT);
    }

    @Test
    void targets_are_one_per_service_ready_starting_or_failed() {
        String json = ReleaseProgress.targets(List.of(w("1", "web", "running", null), w("2", "web", "pending", null),
                w("3", "db", "running", null), w("4", "api", "failed", null)));
        assertThat(json).isEqualTo("[{\"workload_kind\":\"service\",\"workload_name\":\"web\",\"state\":\"starting\"},"
                + "{\"workload_kind\":\"service\",\"workload_name\":\"db\",\"state\":\"ready\"},"
                + "{\"workload_kind\":\"service\",\"workload_name\":\"api\",\"state\":\"failed\"}]");
    }

    @Test
    void a_paused_rollout_holds_its_cutover_and_its_timeout_but_not_a_failed_replica() {
        List<Work> allRunning = List.of(w("1", "web", "running", null), w("2", "web", "running", null));
        var held = ReleaseProgress.decide(allRunning, 0, 1_000, 300_000, "paused");
        assertThat(held.outcome()).isEqualTo(ReleaseProgress.Outcome.WAIT);
        assertThat(held.message()).isEqualTo("rollout paused by operator (2 of 2 replicas running)");
        List<Work> slow = List.of(w("1", "web", "running", null), w("2", "web", "pending", null));
        assertThat(ReleaseProgress.decide(slow, 0, 900_000, 300_000, "paused").outcome()).as("no timeout while paused")
                .isEqualTo(ReleaseProgress.Outcome.WAIT);
        assertThat(ReleaseProgress.decide(slow, 0, 900_000, 300_000, "active").outcome()).isEqualTo(ReleaseProgress.Outcome.FAIL);
        assertThat(ReleaseProgress.decide(List.of(w("1", "web", "failed", "exited with code 1")), 0, 1_000, 300_000, "paused").outcome())
                .isEqualTo(ReleaseProgress.Outcome.FAIL);
        assertThat(ReleaseProgress.decide(allRunning, 0, 1_000, 300_000, "active").outcome()).as("resumed").isEqualTo(ReleaseProgress.Outcome.COMPLETE);
    }

    @Test
    void a_canceled_rollout_fails_at_once_with_every_target_canceled_by_the_operator() {
        List<Work> replicas = List.of(w("1", "web", "running", null), w("2", "api", "pending", null));
        var v = ReleaseProgress.decide(replicas, 0, 1_000, 300_000, "cancel_requested");
        assertThat(v.outcome()).isEqualTo(ReleaseProgress.Outcome.FAIL);
        assertThat(v.message()).isEqualTo("rollout canceled by operator; the previous release keeps serving");
        assertThat(v.running()).isEqualTo(1);
        assertThat(ReleaseProgress.targets(replicas, true)).isEqualTo("[{\"workload_kind\":\"service\",\"workload_name\":\"web\",\"state\":\"failed\","
                + "\"reason\":\"canceled_by_operator\"},{\"workload_kind\":\"service\",\"workload_name\":\"api\",\"state\":\"failed\","
                + "\"reason\":\"canceled_by_operator\"}]");
    }
}
