package dev.yoq.cluster.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A cluster's cron slots against simulated time. */
class CronSlotsTest {
    static final long T0 = 1_700_000_000_000L;
    static final CronSlots.Cron TICK = new CronSlots.Cron("shop", "r1", T0, "tick", 30_000);

    @Test
    void a_slot_is_due_from_its_time_for_its_grace_and_never_before_the_first_period() {
        assertThat(CronSlots.due(List.of(TICK), Set.of(), Set.of(), T0 + 29_999)).isEmpty();
        List<CronSlots.Due> first = CronSlots.due(List.of(TICK), Set.of(), Set.of(), T0 + 30_000);
        assertThat(first).hasSize(1);
        assertThat(first.get(0).slot()).isEqualTo(1);
        assertThat(CronSlots.due(List.of(TICK), Set.of(), Set.of(), T0 + 30_000 + 10_000)).as("late within the grace").hasSize(1);
        assertThat(CronSlots.due(List.of(TICK), Set.of(), Set.of(), T0 + 30_000 + 10_001)).as("missed: not run late").isEmpty();
        assertThat(CronSlots.due(List.of(TICK), Set.of(), Set.of(), T0 + 60_500).get(0).slot()).isEqualTo(2);
        var fast = new CronSlots.Cron("shop", "r1", T0, "fast", 4_000);
        assertThat(CronSlots.due(List.of(fast), Set.of(), Set.of(), T0 + 6_001)).as("grace is half a short period").isEmpty();
    }

    @Test
    void each_slot_has_one_id_in_the_cluster_so_a_slot_on_record_is_never_run_again() {
        String id = CronSlots.runId("r1", "tick", 1);
        assertThat(id).matches("[0-9a-f]{12}").isEqualTo(CronSlots.runId("r1", "tick", 1))
                .isNotEqualTo(CronSlots.runId("r1", "tick", 2)).isNotEqualTo(CronSlots.runId("r2", "tick", 1));
        assertThat(CronSlots.due(List.of(TICK), Set.of(id), Set.of(), T0 + 31_000)).isEmpty();
    }

    @Test
    void a_slot_waits_while_the_previous_run_is_live() {
        assertThat(CronSlots.due(List.of(TICK), Set.of(), Set.of("shop/tick"), T0 + 30_000)).isEmpty();
        assertThat(CronSlots.due(List.of(TICK), Set.of(), Set.of("shop/other"), T0 + 30_000)).hasSize(1);
    }

    @Test
    void a_run_still_waiting_to_start_a_period_and_at_least_a_minute_after_it_was_recorded_is_given_up_and_one_that_runs_goes_on() {
        var unplaced = new Work("u1", "", "pending", "unschedulable: no room", "reg/t:1", "tick", 1000, 256, "shop", "cron", "tick", "r1", null,
                java.util.Map.of(), "{}", T0 + 30_000);
        var stuck = new Work("s1", "feedfacecafe", "pending", null, "reg/t:1", "tick", 1000, 256, "shop", "cron", "tick", "r1", null,
                java.util.Map.of(), "{}", T0 + 30_000);
        var running = new Work("r1", "feedfacecafe", "running", null, "reg/t:1", "tick", 1000, 256, "shop", "cron", "tick", "r1", null,
                java.util.Map.of(), "{}", T0 + 30_000);
        assertThat(CronSlots.stale(List.of(TICK), List.of(unplaced, stuck, running), T0 + 60_000))
                .as("a period has passed, but not the minute an agent may need to report a start").isEmpty();
        var given = CronSlots.stale(List.of(TICK), List.of(unplaced, stuck, running), T0 + 90_000);
        assertThat(given).containsOnlyKeys("u1", "s1");
        assertThat(given.get("u1")).isEqualTo("no agent had room within 60 s (unschedulable: no room)");
        assertThat(given.get("s1")).isEqualTo("not started on agent feedfacecafe within 60 s");
        var hourly = new CronSlots.Cron("shop", "r1", T0, "tick", 3_600_000);
        assertThat(CronSlots.stale(List.of(hourly), List.of(stuck), T0 + 30_000 + 3_599_999)).as("a longer period: its own").isEmpty();
        assertThat(CronSlots.stale(List.of(hourly), List.of(stuck), T0 + 30_000 + 3_600_000)).containsOnlyKeys("s1");
    }

    /**
     * A day of a 30 s cron ticked once a second by whichever server leads, leadership moving every few minutes and
     * nobody leading for 3 s each time: every slot runs exactly once (a gap shorter than the grace delays a slot,
     * it does not lose it).
     */
    @Test
    void over_a_day_of_changing_leaders_each_slot_runs_at_most_once_and_only_leaderless_slots_are_missed() {
        java.util.Random random = new java.util.Random(7);
        Set<String> onRecord = new HashSet<>();
        List<Long> runs = new ArrayList<>();
        long leaderlessUntil = 0;
        for (long now = T0; now < T0 + 86_400_000; now += 1_000) {
            if (random.nextInt(180) == 0) leaderlessUntil = now + 3_000;
            if (now < leaderlessUntil) continue;
            for (CronSlots.Due d : CronSlots.due(List.of(TICK), onRecord, Set.of(), now)) {
                assertThat(onRecord.add(d.runId())).as("slot %d proposed twice", d.slot()).isTrue();
                runs.add(d.slot());
            }
        }
        assertThat(runs).doesNotHaveDuplicates();
        // slots 1..2,879 fall inside the day; a 3 s gap never covers a 10 s grace, so none is missed
        assertThat(runs).hasSize(2_879);
    }
}
