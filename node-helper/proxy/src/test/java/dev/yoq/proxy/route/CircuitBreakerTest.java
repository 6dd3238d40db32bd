package dev.yoq.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An endpoint's circuit with simulated time: threshold, open, one half-open probe, close or reopen. */
class CircuitBreakerTest {
    @Test
    void threshold_failures_open_it_then_one_probe_after_the_timeout() {
        CircuitBreaker c = new CircuitBreaker();
        assertThat(c.failure(0, 3)).isFalse();
        assertThat(c.failure(1, 3)).isFalse();
        assertThat(c.failure(2, 3)).as("the third trips it").isTrue();
        assertThat(c.tryAcquire(100, 1000)).as("open").isFalse();
        assertThat(c.tryAcquire(1002, 1000)).as("half-open: the probe").isTrue();
        assertThat(c.tryAcquire(1003, 1000)).as("only one probe in flight").isFalse();
        c.success();
        assertThat(c.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(c.tryAcquire(1004, 1000)).isTrue();
    }

    @Test
    void a_failed_probe_opens_it_again_for_a_whole_timeout() {
        CircuitBreaker c = new CircuitBreaker();
        c.failure(0, 1);
        assertThat(c.tryAcquire(1000, 1000)).isTrue();
        assertThat(c.failure(1000, 1)).isTrue();
        assertThat(c.tryAcquire(1500, 1000)).isFalse();
        assertThat(c.tryAcquire(2000, 1000)).isTrue();
        assertThat(c.trips()).isEqualTo(2);
    }

    @Test
    void a_success_resets_the_count_of_consecutive_failures() {
        CircuitBreaker c = new CircuitBreaker();
        c.failure(0, 3);
        c.failure(0, 3);
        c.success();
        assertThat(c.failure(0, 3)).isFalse();
        assertThat(c.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void endpoints_skip_open_circuits_and_tried_ones() {
        long[] now = {0};
        Endpoints e = new Endpoints(() -> now[0]);
        List<String> two = List.of("10.0.0.1:80", "10.0.0.2:80");
        e.failed("s", "10.0.0.1:80", 1);
        for (int i = 0; i < 5; i++) assertThat(e.pick("s", two, 1000, Set.of())).isEqualTo("10.0.0.2:80");
        assertThat(e.pick("s", two, 1000, Set.of("10.0.0.2:80"))).as("the only other one is open").isNull();
        now[0] = 1000;
        assertThat(e.pick("s", two, 1000, Set.of("10.0.0.2:80"))).as("half-open probe").isEqualTo("10.0.0.1:80");
        assertThat(e.pick("s", List.of(), 1000, Set.of())).isNull();
    }
}
