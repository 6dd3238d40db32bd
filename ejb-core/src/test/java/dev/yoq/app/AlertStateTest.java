package dev.yoq.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.manifest.Manifest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Alerts fire after N breaches in a row, once per breach, again only after a clean sample; CPU % from counters. */
class AlertStateTest {
    static final Manifest.Alerts ALERTS = new Manifest.Alerts(50.0, 80.0, 3L, 200.0, null, "http://hook", 3);

    static AlertState.Sample cpu(double pct) {
        return new AlertState.Sample(pct, 10.0, 0);
    }

    @Test
    void a_breach_fires_on_the_nth_sample_in_a_row_and_not_again_while_it_lasts() {
        AlertState s = new AlertState(ALERTS);
        assertThat(s.observe(cpu(90), 3)).isEmpty();
        assertThat(s.observe(cpu(90), 3)).isEmpty();
        assertThat(s.observe(cpu(40), 3)).as("the streak breaks").isEmpty();
        assertThat(s.observe(cpu(90), 3)).isEmpty();
        assertThat(s.observe(cpu(95), 3)).isEmpty();
        List<AlertState.Firing> fired = s.observe(cpu(99), 3);
        assertThat(fired).containsExactly(new AlertState.Firing("cpu_percent", 99, 50, 3));
        assertThat(s.observe(cpu(99), 3)).as("still firing: no repeat").isEmpty();
        assertThat(s.metrics().get(0).firing()).isTrue();
        s.observe(cpu(10), 3);
        assertThat(s.metrics().get(0).firing()).isFalse();
        s.observe(cpu(90), 3);
        s.observe(cpu(90), 3);
        assertThat(s.observe(cpu(90), 3)).hasSize(1);
    }

    @Test
    void restarts_count_from_the_threshold_and_unmeasured_metrics_say_so() {
        AlertState s = new AlertState(ALERTS);
        assertThat(s.observe(new AlertState.Sample(null, null, 3), 1)).containsExactly(new AlertState.Firing("restart_count", 3, 3, 1));
        assertThat(s.metrics()).extracting(AlertState.Metric::name).containsExactly("cpu_percent", "memory_percent", "restart_count", "latency_p99_ms");
        assertThat(s.metrics().get(3).measured()).isFalse();
        assertThat(s.metrics().get(0).value()).as("no CPU figure yet").isNull();
    }

    @Test
    void cpu_percent_is_cpu_time_over_wall_time() {
        assertThat(CpuPercent.between(1_000_000_000L, 10_000, 1_500_000_000L, 11_000)).isEqualTo(50.0);
        assertThat(CpuPercent.between(null, 0, 5L, 1_000)).isNull();
        assertThat(CpuPercent.between(9L, 1_000, 5L, 2_000)).as("a new cgroup").isNull();
        assertThat(CpuPercent.between(1L, 1_000, 5L, 1_000)).isNull();
    }
}
