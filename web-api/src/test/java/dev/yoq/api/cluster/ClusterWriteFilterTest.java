package dev.yoq.api.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterWriteFilterTest {
    @Test
    void a_single_node_and_reads_are_never_refused() {
        assertThat(ClusterWriteFilter.decide(false, true, null, "POST", "apps/apply")).isNull();
        assertThat(ClusterWriteFilter.decide(true, false, "10.0.0.1:7700", "GET", "v1/policies")).isNull();
    }

    @Test
    void a_follower_sends_replicated_writes_to_the_leader_and_serves_its_own_node() {
        assertThat(ClusterWriteFilter.decide(true, false, "10.0.0.1:7700", "POST", "v1/policies"))
                .isEqualTo(new ClusterWriteFilter.Refusal("not leader", "10.0.0.1:7700"));
        assertThat(ClusterWriteFilter.decide(true, false, null, "DELETE", "/v1/certificates/a.test"))
                .isEqualTo(new ClusterWriteFilter.Refusal("not leader", null));
        assertThat(ClusterWriteFilter.decide(true, false, "10.0.0.1:7700", "POST", "containers")).isNull();
        assertThat(ClusterWriteFilter.decide(true, false, "10.0.0.1:7700", "POST", "agents/0a1b/assignments/x/secrets"))
                .as("an agent's fetch of its secrets writes nothing replicated").isNull();
        assertThat(ClusterWriteFilter.decide(true, false, "10.0.0.1:7700", "POST", "agents/0a1b/assignments/x/status")).isNotNull();
        assertThat(ClusterWriteFilter.decide(true, false, "10.0.0.1:7700", "POST", "v1/policiesx")).isNull();
        assertThat(ClusterWriteFilter.decide(true, true, "10.0.0.1:7700", "POST", "v1/policies")).isNull();
        assertThat(ClusterWriteFilter.decide(true, false, "10.0.0.1:7700", "DELETE", "v1/tokens/ci"))
                .as("tokens are replicated: created and revoked on the leader").isEqualTo(new ClusterWriteFilter.Refusal("not leader", "10.0.0.1:7700"));
    }

    @Test
    void a_cluster_serves_apply_rollback_down_rollout_control_and_worker_runs_on_its_leader_and_refuses_the_other_app_writes_with_the_reason() {
        assertThat(ClusterWriteFilter.decide(true, true, null, "POST", "apps/apply")).isNull();
        assertThat(ClusterWriteFilter.decide(true, true, null, "POST", "apps/shop/down")).isNull();
        assertThat(ClusterWriteFilter.decide(true, false, "10.0.0.1:7700", "POST", "apps/apply").error()).isEqualTo("not leader");
        assertThat(ClusterWriteFilter.decide(true, true, null, "POST", "apps/shop/rollback")).isNull();
        assertThat(ClusterWriteFilter.decide(true, true, null, "POST", "apps/shop/rollout/pause")).isNull();
        assertThat(ClusterWriteFilter.decide(true, true, null, "POST", "apps/shop/rollout/cancel")).isNull();
        assertThat(ClusterWriteFilter.decide(true, false, "10.0.0.1:7700", "POST", "apps/shop/rollout/resume").error()).isEqualTo("not leader");
        assertThat(ClusterWriteFilter.decide(true, true, null, "POST", "apps/shop/rollout/restart").error()).isEqualTo(ClusterWriteFilter.APPS_NOT_YET);
        assertThat(ClusterWriteFilter.decide(true, true, null, "POST", "apps/shop/down/x").error()).isEqualTo(ClusterWriteFilter.APPS_NOT_YET);
        assertThat(ClusterWriteFilter.decide(true, false, null, "POST", "deploy").error()).isEqualTo(ClusterWriteFilter.APPS_NOT_YET);
        assertThat(ClusterWriteFilter.decide(true, true, null, "POST", "apps/shop/workers/migrate/run")).isNull();
        assertThat(ClusterWriteFilter.decide(true, false, "10.0.0.1:7700", "POST", "apps/shop/workers/migrate/run").error()).isEqualTo("not leader");
        assertThat(ClusterWriteFilter.decide(true, true, null, "POST", "apps/shop/workers/migrate/run/x").error()).isEqualTo(ClusterWriteFilter.APPS_NOT_YET);
    }
}
