package dev.yoq.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The health state machine of spec §3.6 under simulated time. */
class HealthStateTest {
    static final HealthState.Check CHECK = new HealthState.Check(10_000, 5_000, 3, 20_000);

    @Test
    void a_container_found_after_a_restart_is_probed_at_once_despite_its_start_period() {
        HealthState s = HealthState.start(CHECK, 1_000_000).probeNow();
        assertThat(s.nextProbeAtMs()).isZero();
        assertThat(s.status()).isEqualTo(HealthState.STARTING);
        assertThat(s.after(true, CHECK, 1_000_100, "c").ready()).isTrue();
    }

    @Test
    void starting_becomes_healthy_on_the_first_success_after_the_start_period() {
        HealthState s = HealthState.start(CHECK, 1_000);
        assertThat(s.status()).isEqualTo("starting");
        assertThat(s.nextProbeAtMs()).as("no probe during the start period").isEqualTo(21_000);
        s = s.after(false, CHECK, 21_000, "web-1");
        s = s.after(false, CHECK, 31_000, "web-1");
        assertThat(s.status()).as("two failures of three allowed").isEqualTo("starting");
        s = s.after(true, CHECK, 41_000, "web-1");
        assertThat(s.ready()).isTrue();
        assertThat(s.nextProbeAtMs()).isEqualTo(51_000);
    }

    @Test
    void retries_consecutive_failures_make_it_unhealthy_then_the_delay_doubles_up_to_8x_capped_at_60s() {
        HealthState s = HealthState.start(new HealthState.Check(10_000, 5_000, 3, 0), 0).after(true, CHECK, 0, "k");
        s = s.after(false, CHECK, 10_000, "k").after(false, CHECK, 20_000, "k");
        assertThat(s.status()).isEqualTo("healthy");
        s = s.after(false, CHECK, 30_000, "k");
        assertThat(s.status()).isEqualTo("unhealthy");
        long jitter = HealthState.jitter("k", 20_000);
        assertThat(s.nextProbeAtMs()).isEqualTo(30_000 + 20_000 + jitter);
        assertThat(jitter).isBetween(0L, 1_999L);
        long[] expectedDelays = {40_000, 60_000, 60_000};   // ×4, ×8 capped at 60 s, stays at the cap
        long now = 60_000;
        for (long delay : expectedDelays) {
            s = s.after(false, CHECK, now, "k");
            assertThat(s.nextProbeAtMs() - now - HealthState.jitter("k", delay)).isEqualTo(delay);
            now += delay;
        }
        s = s.after(true, CHECK, now, "k");
        assertThat(s.ready()).as("one success heals").isTrue();
        assertThat(s.consecutiveFailures()).isZero();
    }

    @Test
    void jitter_is_deterministic_per_instance_and_spreads_instances() {
        assertThat(HealthState.jitter("web-1", 20_000)).isEqualTo(HealthState.jitter("web-1", 20_000));
        assertThat(HealthState.jitter("web-1", 20_000)).isNotEqualTo(HealthState.jitter("web-2", 20_000));
    }
}
