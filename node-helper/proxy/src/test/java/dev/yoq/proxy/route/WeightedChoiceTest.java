package dev.yoq.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.proxy.config.EdgeConfig.Backend;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Weighted backends: the shares hold over many paths, one request is stable, a retry moves on. */
class WeightedChoiceTest {
    static final List<Backend> NINETY_TEN = List.of(new Backend("a-api", 90), new Backend("a-api-canary", 10));

    @Test
    void ninety_ten_holds_within_five_points_over_2000_paths() {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 2000; i++) seen.merge(WeightedChoice.choose(NINETY_TEN, "GET", "demo.local", "/api/item/" + i, 0).service(), 1, Integer::sum);
        assertThat(seen.get("a-api-canary") / 2000.0).isBetween(0.05, 0.15);
        assertThat(seen.get("a-api") / 2000.0).isBetween(0.85, 0.95);
    }

    @Test
    void the_same_request_goes_to_the_same_backend_and_the_attempt_shifts_the_bucket() {
        Backend first = WeightedChoice.choose(NINETY_TEN, "GET", "h", "/x", 0);
        for (int i = 0; i < 10; i++) assertThat(WeightedChoice.choose(NINETY_TEN, "GET", "h", "/x", 0)).isEqualTo(first);
        List<Backend> halves = List.of(new Backend("a", 50), new Backend("b", 50));
        long moved = java.util.stream.IntStream.range(0, 200).filter(i ->
                !WeightedChoice.choose(halves, "GET", "h", "/p" + i, 0).equals(WeightedChoice.choose(halves, "GET", "h", "/p" + i, 1))).count();
        assertThat(moved).as("attempt x 7919 changes the bucket for many requests").isGreaterThan(50);
    }

    @Test
    void a_single_backend_takes_everything() {
        assertThat(WeightedChoice.choose(List.of(new Backend("only", 100)), "POST", "h", "/", 3).service()).isEqualTo("only");
    }
}
