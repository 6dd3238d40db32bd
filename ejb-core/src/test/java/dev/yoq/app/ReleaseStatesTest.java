package dev.yoq.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every row of spec §2.4's derived rollout_state table, and the spec's own examples (§9, 27). */
class ReleaseStatesTest {
    @ParameterizedTest(name = "{0} / {1} / services {2}, completed {3}, failed {4} -> {5}")
    @CsvSource({
            "pending,          active,           3, 0, 0, pending",
            "in_progress,      paused,           3, 1, 0, blocked",
            "in_progress,      cancel_requested, 3, 0, 0, blocked",
            "in_progress,      active,           3, 1, 0, rolling",
            "in_progress,      active,           3, 0, 1, rolling",
            "in_progress,      active,           3, 0, 0, starting",
            "completed,        active,           3, 3, 0, stable",
            "partially_failed, active,           3, 1, 1, blocked",
            "partially_failed, active,           3, 2, 1, degraded",
            "failed,           active,           3, 1, 2, degraded",
            "failed,           active,           3, 0, 3, failed",
            "superseded,       active,           3, 0, 0, superseded",
            "rolled_back,      active,           3, 2, 1, rolled_back",
    })
    void each_row(String status, String control, long services, long completed, long failed, String expected) {
        assertThat(ReleaseStates.rolloutState(status, control, services, completed, failed)).isEqualTo(expected);
    }

    @Test
    void remaining_never_goes_below_zero_and_unknown_statuses_are_refused() {
        assertThat(ReleaseStates.remaining(3, 1, 1)).isEqualTo(1);
        assertThat(ReleaseStates.remaining(3, 4, 2)).isZero();
        assertThat(ReleaseStates.rolloutState("partially_failed", "active", 2, 2, 1)).as("spec example: 0 remaining").isEqualTo("degraded");
        assertThatThrownBy(() -> ReleaseStates.rolloutState("done", "active", 1, 1, 0)).hasMessage("unknown release status done");
    }
}
