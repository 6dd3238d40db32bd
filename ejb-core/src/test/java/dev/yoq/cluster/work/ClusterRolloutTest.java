package dev.yoq.cluster.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.cluster.work.ClusterRollout.Outcome;
import dev.yoq.cluster.work.ClusterRollout.Pace;
import dev.yoq.cluster.work.ClusterRollout.Step;
import dev.yoq.manifest.Manifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A release's rollout on agents, driven poll by poll with simulated time and agents that report as told. */
class ClusterRolloutTest {
    static final long TIMEOUT = 300_000;
    static final Manifest.Rollout ROLLING = Manifest.Rollout.DEFAULT;

    /** The app's replicas as the leader reads them, with the steps carried out the way ClusterWork does. */
    static final class App {
        final List<Work> replicas = new ArrayList<>();
        final Map<String, ClusterRollout.Service> desired = new LinkedHashMap<>();
        Pace pace = Pace.startingAt(0);
        int ids;

        App replicas(String service, String release, int count, String status) {
            for (int i = 0; i < count; i++) replicas.add(work(service, release, status));
            return this;
        }

        Work work(String service, String release, String status) {
            return new Work("w" + (++ids), "a" + (ids % 2), status, null, "img", "", 100, 64, "shop", "service", service, release, null);
        }

        Step poll(Manifest.Rollout policy, long now, String control) {
            Map<String, ClusterRollout.Service> services = new LinkedHashMap<>();
            desired.forEach((name, d) -> services.put(name, new ClusterRollout.Service(d.replicas(), policy.parallelism(), 10_000)));
            Step s = ClusterRollout.next(policy, services, "r2", replicas, pace, now, TIMEOUT, control);
            pace = s.pace();
            s.place().forEach((service, n) -> replicas(service, "r2", n, "pending"));
            replicas.removeIf(w -> s.remove().contains(w.id()));
            return s;
        }

        Step poll(Manifest.Rollout policy, long now) {
            return poll(policy, now, "active");
        }

        /** Every pending replica reported running by its agent. */
        void allRun() {
            replicas.replaceAll(w -> "pending".equals(w.status()) ? with(w, "running", null) : w);
        }

        long count(String release, String status) {
            return replicas.stream().filter(w -> release.equals(w.releaseId()) && status.equals(w.status())).count();
        }
    }

    static Work with(Work w, String status, String reason) {
        return new Work(w.id(), w.agentId(), status, reason, w.image(), w.command(), w.cpuLimit(), w.memoryLimitMb(), w.appName(),
                w.workloadKind(), w.workloadName(), w.releaseId(), w.replaces());
    }

    static App fourOld() {
        App app = new App().replicas("web", "r1", 4, "running");
        app.desired.put("web", new ClusterRollout.Service(4, 1, 0));
        return app;
    }

    @Test
    void rolling_replaces_one_replica_at_a_time_never_serving_with_fewer_than_desired() {
        App app = fourOld();
        long t = 0;
        for (int batch = 1; batch <= 4; batch++) {
            Step place = app.poll(ROLLING, t += 500);
            assertThat(place.place()).as("batch " + batch).isEqualTo(Map.of("web", 1));
            assertThat(place.remove()).isEmpty();
            assertThat(app.poll(ROLLING, t += 500).outcome()).as("waits while the new replica starts").isEqualTo(Outcome.WAIT);
            assertThat(app.poll(ROLLING, t += 500).place()).as("no second batch before the first runs").isEmpty();
            app.allRun();
            Step retire = app.poll(ROLLING, t += 500);
            assertThat(retire.remove()).as("one old replica goes once the new one runs").hasSize(1);
            assertThat(app.count("r1", "running") + app.count("r2", "running")).as("serving").isEqualTo(4);
        }
        Step done = app.poll(ROLLING, t += 500);
        assertThat(done.outcome()).isEqualTo(Outcome.COMPLETE);
        assertThat(done.message()).isEqualTo("all 4 replicas running on agents");
        assertThat(done.targets()).isEqualTo("[{\"workload_kind\":\"service\",\"workload_name\":\"web\",\"state\":\"ready\",\"retired\":4}]");
        assertThat(app.count("r2", "running")).isEqualTo(4);
        assertThat(app.count("r1", "running")).isZero();
    }

    @Test
    void parallelism_sets_the_batch_and_the_delay_separates_batches() {
        App app = fourOld();
        Manifest.Rollout two = new Manifest.Rollout("rolling", 2, 30, "rollback", 0);
        assertThat(app.poll(two, 1_000).place()).isEqualTo(Map.of("web", 2));
        app.allRun();
        assertThat(app.poll(two, 2_000).remove()).hasSize(2);
        assertThat(app.poll(two, 2_500).place()).as("within the 30 s delay").isEmpty();
        assertThat(app.poll(two, 31_999).place()).isEmpty();
        assertThat(app.poll(two, 32_000).place()).isEqualTo(Map.of("web", 2));
    }

    @Test
    void a_canary_runs_beside_the_old_set_for_its_window_before_any_old_replica_goes() {
        App app = fourOld();
        Manifest.Rollout canary = new Manifest.Rollout("canary", 2, 0, "rollback", 0);
        assertThat(app.poll(canary, 1_000).place()).as("the canary batch is one replica").isEqualTo(Map.of("web", 1));
        app.allRun();
        Step hold = app.poll(canary, 2_000);
        assertThat(hold.remove()).isEmpty();
        assertThat(app.poll(canary, 11_999).remove()).as("held for the 10 s window").isEmpty();
        assertThat(app.poll(canary, 12_000).remove()).hasSize(1);
        assertThat(app.poll(canary, 12_500).place()).as("then batches of parallelism").isEqualTo(Map.of("web", 2));
    }

    @Test
    void blue_green_places_the_whole_set_and_completes_with_every_old_replica_still_there_for_one_removal() {
        App app = fourOld();
        Manifest.Rollout bg = new Manifest.Rollout("blue_green", 1, 0, "rollback", 0);
        assertThat(app.poll(bg, 1_000).place()).isEqualTo(Map.of("web", 4));
        assertThat(app.poll(bg, 1_500).outcome()).isEqualTo(Outcome.WAIT);
        app.allRun();
        Step done = app.poll(bg, 2_000);
        assertThat(done.outcome()).isEqualTo(Outcome.COMPLETE);
        assertThat(done.remove()).as("the caller removes the old set at completion").isEmpty();
        assertThat(app.count("r1", "running")).isEqualTo(4);
    }

    @Test
    void services_roll_side_by_side_and_a_new_service_is_placed_in_batches_too() {
        App app = fourOld();
        app.desired.put("api", new ClusterRollout.Service(2, 1, 0));
        Step first = app.poll(ROLLING, 1_000);
        assertThat(first.place()).isEqualTo(Map.of("web", 1, "api", 1));
        assertThat(first.message()).isEqualTo("0 of 6 replicas running");
        assertThat(first.targets()).contains("\"workload_name\":\"api\",\"state\":\"starting\"");
    }

    @Test
    void a_failed_replica_fails_the_release_by_default_naming_it_and_its_reason() {
        App app = fourOld();
        app.poll(ROLLING, 1_000);
        app.replicas.replaceAll(w -> "pending".equals(w.status()) ? with(w, "failed", "health check failed 2 times in a row") : w);
        Step s = app.poll(ROLLING, 2_000);
        assertThat(s.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(s.message()).matches("replica w5 of web on agent a1 failed: health check failed 2 times in a row; "
                + "the previous release keeps serving");
        assertThat(s.failedId()).isEqualTo("w5");
        assertThat(s.targets()).contains("\"state\":\"failed\"");
        assertThat(s.place()).isEmpty();
        assertThat(s.remove()).as("the caller removes the release's replicas and restores the previous").isEmpty();
    }

    @Test
    void with_failure_action_pause_a_failed_replica_pauses_the_rollout_instead() {
        App app = fourOld();
        Manifest.Rollout pause = new Manifest.Rollout("rolling", 1, 0, "pause", 0);
        app.poll(pause, 1_000);
        app.replicas.replaceAll(w -> "pending".equals(w.status()) ? with(w, "failed", "exited with code 1") : w);
        Step s = app.poll(pause, 2_000);
        assertThat(s.outcome()).isEqualTo(Outcome.PAUSE);
        assertThat(s.message()).startsWith("rollout paused: replica w5 of web on agent a1 failed: exited with code 1; resume starts another");
    }

    @Test
    void pause_holds_every_step_and_its_time_does_not_count_toward_the_timeout() {
        App app = fourOld();
        app.poll(ROLLING, 1_000);
        app.allRun();
        Step held = app.poll(ROLLING, 2_000, "paused");
        assertThat(held.outcome()).isEqualTo(Outcome.WAIT);
        assertThat(held.remove()).isEmpty();
        assertThat(held.message()).isEqualTo("rollout paused by operator (1 of 4 replicas running)");
        app.replicas.add(app.work("web", "r2", "pending"));   // a replica that never runs, placed while paused
        assertThat(app.poll(ROLLING, 900_000, "paused").outcome()).isEqualTo(Outcome.WAIT);
        assertThat(app.poll(ROLLING, 900_500).outcome()).as("resumed: 900 s paused, not timed out").isEqualTo(Outcome.WAIT);
    }

    @Test
    void a_batch_not_running_within_the_timeout_of_the_last_step_fails_the_release_but_a_long_rollout_does_not() {
        App app = fourOld();
        long t = 0;
        for (int batch = 0; batch < 3; batch++) {   // 3 batches of 250 s each: 750 s in all, every step within 300 s
            app.poll(ROLLING, t += 200_000);
            app.allRun();
            assertThat(app.poll(ROLLING, t += 50_000).outcome()).isEqualTo(Outcome.WAIT);
        }
        app.poll(ROLLING, t += 1_000);   // the fourth batch's replica never runs
        assertThat(app.poll(ROLLING, t + TIMEOUT).outcome()).isEqualTo(Outcome.WAIT);
        Step late = app.poll(ROLLING, t + TIMEOUT + 1);
        assertThat(late.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(late.message()).startsWith("readiness_timeout: 3 of 4 replicas running, no step for 300 s; e.g. w8 on agent a0");
    }

    @Test
    void cancel_fails_the_release_with_every_target_failed_by_the_operator() {
        App app = fourOld();
        app.poll(ROLLING, 1_000);
        Step s = app.poll(ROLLING, 2_000, "cancel_requested");
        assertThat(s.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(s.message()).isEqualTo("rollout canceled by operator; the previous release keeps serving");
        assertThat(s.targets()).isEqualTo("[{\"workload_kind\":\"service\",\"workload_name\":\"web\",\"state\":\"failed\","
                + "\"reason\":\"canceled_by_operator\"}]");
    }

    @Test
    void a_leader_taking_over_mid_rollout_goes_on_from_the_replicas_alone() {
        App app = fourOld();
        app.poll(ROLLING, 1_000);
        app.allRun();
        app.poll(ROLLING, 1_500);   // one old retired: 3 old, 1 new
        app.pace = Pace.startingAt(60_000);   // a new leader
        Step s = app.poll(ROLLING, 60_500);
        assertThat(s.place()).isEqualTo(Map.of("web", 1));
        assertThat(app.count("r1", "running")).isEqualTo(3);
    }

    @Test
    void a_release_that_scales_down_retires_the_surplus_and_a_service_it_drops_is_left_for_completion() {
        App app = new App().replicas("web", "r1", 2, "running").replicas("old", "r1", 1, "running");
        app.desired.put("web", new ClusterRollout.Service(1, 1, 0));
        assertThat(app.poll(ROLLING, 1_000).remove()).as("the surplus first: one old replica still serves").hasSize(1);
        assertThat(app.poll(ROLLING, 1_500).place()).isEqualTo(Map.of("web", 1));
        app.allRun();
        assertThat(app.poll(ROLLING, 2_000).remove()).hasSize(1);
        assertThat(app.poll(ROLLING, 2_500).outcome()).isEqualTo(Outcome.COMPLETE);
        assertThat(app.replicas).extracting(Work::workloadName).contains("old");
    }

    @Test
    void a_repair_or_drain_replacement_counts_as_the_replica_it_replaces_so_the_rollout_neither_retires_it_nor_stalls() {
        App app = fourOld();
        Manifest.Rollout slow = new Manifest.Rollout("rolling", 1, 30, "rollback", 0);
        Work crashed = app.replicas.get(0);
        app.replicas.set(0, with(crashed, "failed", "exited with code 1"));
        long t = 0;
        int placed = 0;
        for (int pass = 0; pass < 160; pass++) {   // 80 s of polls; the placement pass adds a repair every 10 s
            if (pass % 20 == 0 && app.replicas.stream().noneMatch(w -> crashed.id().equals(w.replaces()))
                    && app.replicas.stream().anyMatch(w -> w.id().equals(crashed.id()))) {
                app.replicas.add(new Work("rep" + pass, "a1", "pending", null, "img", "", 100, 64, "shop", "service", "web", "r1", crashed.id()));
            }
            boolean originalThere = app.replicas.stream().anyMatch(w -> w.id().equals(crashed.id()));
            Step s = app.poll(slow, t += 500);
            if (originalThere) assertThat(s.remove()).as("a repair beside its original is no surplus").noneMatch(id -> id.startsWith("rep"));
            placed += s.place().getOrDefault("web", 0);
            app.allRun();
        }
        assertThat(placed).as("the rollout goes on past its first batch, the 30 s delay not reset for good").isGreaterThanOrEqualTo(2);
    }

    @Test
    void a_batch_delay_or_a_canary_window_longer_than_the_timeout_does_not_time_the_rollout_out() {
        App app = fourOld();
        Manifest.Rollout patient = new Manifest.Rollout("rolling", 1, 600, "rollback", 0);
        app.poll(patient, 1_000);
        app.allRun();
        app.poll(patient, 1_500);   // the first old one retired: the 600 s delay begins
        for (long t = 2_000; t < 601_500; t += 10_000) assertThat(app.poll(patient, t).outcome()).isEqualTo(Outcome.WAIT);
        assertThat(app.poll(patient, 601_500).place()).isEqualTo(Map.of("web", 1));
    }

    @Test
    void the_older_replicas_a_rollout_removed_are_recorded_with_its_targets_for_whichever_leader_ends_it() {
        App app = fourOld();
        long t = 0;
        Step last = null;
        for (int batch = 0; batch < 2; batch++) {
            app.poll(ROLLING, t += 500);
            app.allRun();
            last = app.poll(ROLLING, t += 500);
        }
        assertThat(last.targets()).contains("\"retired\":2");
        assertThat(ClusterRollout.retiredOf(last.targets())).isEqualTo(Map.of("web", 2));
        app.pace = Pace.startingAt(60_000, ClusterRollout.retiredOf(last.targets()));   // a new leader, or a resume
        Step canceled = app.poll(ROLLING, 60_500, "cancel_requested");
        assertThat(canceled.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(canceled.pace().retired()).as("what the failure gives back").isEqualTo(Map.of("web", 2));
        assertThat(ClusterRollout.retiredOf(null)).isEmpty();
    }
}
