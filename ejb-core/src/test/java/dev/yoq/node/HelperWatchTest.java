package dev.yoq.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The hardening issue's finding 5, decided: when a silent helper is started again. */
class HelperWatchTest {
    @Test
    void a_silent_helper_is_started_after_two_misses_and_not_again_within_three_seconds() {
        HelperWatch w = new HelperWatch();
        assertThat(w.observe(null, 0, true)).isEqualTo(HelperWatch.Action.NOTHING);
        assertThat(w.reachable()).isTrue();
        assertThat(w.observe("refused", 500, true)).isEqualTo(HelperWatch.Action.NOTHING);
        assertThat(w.reachable()).isFalse();
        assertThat(w.observe("refused", 1000, true)).isEqualTo(HelperWatch.Action.START_HELPER);
        assertThat(w.observe("refused", 1500, true)).as("still starting").isEqualTo(HelperWatch.Action.NOTHING);
        assertThat(w.observe("refused", 3999, true)).isEqualTo(HelperWatch.Action.NOTHING);
        assertThat(w.observe("refused", 4000, true)).isEqualTo(HelperWatch.Action.START_HELPER);
        assertThat(w.problem(4500)).isEqualTo("node helper not answering for 4 s: refused");
        assertThat(w.restarts()).isEqualTo(2);
        assertThat(w.observe(null, 5000, true)).isEqualTo(HelperWatch.Action.NOTHING);
        assertThat(w.reachable()).isTrue();
        assertThat(w.problem(5000)).isNull();
    }

    @Test
    void an_unsupervised_helper_is_reported_but_never_started() {
        HelperWatch w = new HelperWatch();
        for (int i = 0; i < 10; i++) assertThat(w.observe("missing", i * 500L, false)).isEqualTo(HelperWatch.Action.NOTHING);
        assertThat(w.reachable()).isFalse();
        assertThat(w.restarts()).isZero();
    }
}
