package dev.yoq.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.manifest.Manifest;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutPlanTest {
    static Manifest.Rollout policy(String strategy, long parallelism, long delay, String failure, long healthTimeout) {
        return new Manifest.Rollout(strategy, parallelism, delay, failure, healthTimeout);
    }

    @Test
    void merged_policy_follows_spec_3_7() {
        Manifest.Rollout merged = RolloutPlan.merge(List.of(policy("rolling", 4, 5, "rollback", 30), policy("canary", 2, 10, "rollback", 0),
                policy("rolling", 3, 0, "pause", 60)));
        assertThat(merged).isEqualTo(policy("canary", 2, 10, "pause", 60));
        assertThat(RolloutPlan.merge(List.of(policy("canary", 1, 0, "rollback", 0), policy("blue_green", 5, 0, "rollback", 0))).strategy())
                .isEqualTo("blue_green");
        assertThat(RolloutPlan.merge(List.of())).isEqualTo(Manifest.Rollout.DEFAULT);
    }

    @Test
    void batches_by_strategy() {
        List<String> targets = List.of("a", "b", "c", "d", "e");
        assertThat(RolloutPlan.batches(targets, policy("rolling", 2, 0, "rollback", 0)))
                .containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e"));
        assertThat(RolloutPlan.batches(targets, policy("canary", 2, 0, "rollback", 0)))
                .containsExactly(List.of("a"), List.of("b", "c"), List.of("d", "e"));
        assertThat(RolloutPlan.batches(targets, policy("blue_green", 1, 0, "rollback", 0))).containsExactly(targets);
        assertThat(RolloutPlan.batches(targets, policy("rolling", 4_294_967_295L, 0, "rollback", 0))).containsExactly(targets);
        assertThat(RolloutPlan.batches(List.of(), policy("rolling", 1, 0, "rollback", 0))).isEmpty();
    }
}
