package dev.yoq.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartTest {

    @Test
    void backoff_doubles_from_one_second_and_caps_at_thirty() {
        assertThat(RestartBackoff.delay(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(RestartBackoff.delay(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RestartBackoff.delay(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(RestartBackoff.delay(4)).isEqualTo(Duration.ofSeconds(16));
        assertThat(RestartBackoff.delay(5)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RestartBackoff.delay(1_000_000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void a_run_of_ten_seconds_resets_the_streak_a_quick_failure_extends_it() {
        int streak = -1;   // no restart yet
        streak = RestartBackoff.nextStreak(streak, Duration.ofMillis(50));
        assertThat(streak).isZero();
        streak = RestartBackoff.nextStreak(streak, Duration.ofMillis(50));
        assertThat(RestartBackoff.delay(streak)).isEqualTo(Duration.ofSeconds(2));
        streak = RestartBackoff.nextStreak(streak, Duration.ofSeconds(9));
        assertThat(RestartBackoff.delay(streak)).isEqualTo(Duration.ofSeconds(4));
        streak = RestartBackoff.nextStreak(streak, Duration.ofSeconds(10));
        assertThat(RestartBackoff.delay(streak)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void a_simulated_crash_loop_of_a_thousand_runs_never_waits_more_than_the_cap() {
        int streak = -1;
        Duration total = Duration.ZERO;
        for (int i = 0; i < 1000; i++) {
            streak = RestartBackoff.nextStreak(streak, Duration.ofMillis(i % 7 == 0 ? 12_000 : 10));
            Duration d = RestartBackoff.delay(streak);
            assertThat(d).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30));
            total = total.plus(d);
        }
        assertThat(total).isLessThan(Duration.ofSeconds(30L * 1000));
    }

    @Test
    void policies_parse_both_spellings_and_decide_like_the_original() {
        assertThat(RestartPolicy.parse("on-failure")).isEqualTo(RestartPolicy.ON_FAILURE);
        assertThat(RestartPolicy.parse("on_failure")).isEqualTo(RestartPolicy.ON_FAILURE);
        assertThat(RestartPolicy.parse("none")).isEqualTo(RestartPolicy.NO);
        assertThat(RestartPolicy.parse(null)).isEqualTo(RestartPolicy.NO);
        assertThatThrownBy(() -> RestartPolicy.parse("never")).hasMessage("restart: must be no, always or on-failure, got never");

        assertThat(RestartPolicy.NO.restarts(false, 1, false)).isFalse();
        assertThat(RestartPolicy.ALWAYS.restarts(false, 0, false)).isTrue();
        assertThat(RestartPolicy.ALWAYS.restarts(true, 1, false)).as("a user's stop wins").isFalse();
        assertThat(RestartPolicy.ON_FAILURE.restarts(false, 0, false)).isFalse();
        assertThat(RestartPolicy.ON_FAILURE.restarts(false, 2, false)).isTrue();
        assertThat(RestartPolicy.ON_FAILURE.restarts(false, 137, true)).isTrue();
        assertThat(RestartPolicy.ON_FAILURE.restarts(false, null, false)).as("could not start").isTrue();
    }
}
