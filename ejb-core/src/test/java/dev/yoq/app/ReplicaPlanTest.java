package dev.yoq.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.app.ReplicaPlan.Replica;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The replica planner driven to the end against a simulated node: new replicas become ready one step after they
 * start, retired ones vanish, and at every step the replicas that take traffic (ready and active) are counted.
 */
class ReplicaPlanTest {
    /** A tiny node: applies steps, remembers how much capacity was ever left serving. */
    static final class World {
        final List<Replica> replicas = new ArrayList<>();
        int next = 0, minServing = Integer.MAX_VALUE, maxAlive = 0, started = 0, retired = 0, switches = 0, holds = 0;
        final List<String> log = new ArrayList<>();
        final java.util.Set<String> ours = new java.util.HashSet<>();

        World(String hash, int n) {
            for (int i = 1; i <= n; i++) replicas.add(new Replica("old" + i, i, hash, "running", "healthy", "active"));
        }

        int serving() {
            return (int) replicas.stream().filter(r -> r.ready() && r.admin().equals("active")).count();
        }

        ReplicaPlan.Step run(int desired, String hash, String strategy, int parallelism) {
            boolean held = false;
            for (int guard = 0; guard < 200; guard++) {
                // replicas started last step are ready now
                replicas.replaceAll(r -> r.status().equals("created") ? new Replica(r.containerId(), r.index(), r.configHash(), "running", "healthy", r.admin()) : r);
                minServing = Math.min(minServing, serving());
                maxAlive = Math.max(maxAlive, replicas.size());
                ReplicaPlan.Step s = ReplicaPlan.next(List.copyOf(replicas), desired, hash, strategy, parallelism, held, ours);
                log.add(s.getClass().getSimpleName());
                if (s instanceof ReplicaPlan.Start st) {
                    st.indexes().forEach(i -> {
                        replicas.add(new Replica("new" + (++next), i, hash, "created", null, st.standby() ? "standby" : "active"));
                        ours.add("new" + next);
                        started++;
                    });
                } else if (s instanceof ReplicaPlan.Retire rt) {
                    replicas.removeIf(r -> rt.containerIds().contains(r.containerId()));
                    retired += rt.containerIds().size();
                } else if (s instanceof ReplicaPlan.Switch sw) {
                    switches++;
                    replicas.replaceAll(r -> sw.activate().contains(r.containerId()) ? withAdmin(r, "active")
                            : sw.drain().contains(r.containerId()) ? withAdmin(r, "draining") : r);
                } else if (s instanceof ReplicaPlan.Hold) {
                    holds++;
                    held = true;
                } else if (s instanceof ReplicaPlan.Failed || s instanceof ReplicaPlan.Done) {
                    return s;
                }
            }
            throw new AssertionError("no end: " + log);
        }

        static Replica withAdmin(Replica r, String admin) {
            return new Replica(r.containerId(), r.index(), r.configHash(), r.status(), r.health(), admin);
        }
    }

    @Test
    void rolling_replaces_one_at_a_time_and_never_drops_below_the_desired_count() {
        World w = new World("A", 3);
        assertThat(w.run(3, "B", "rolling", 1)).isEqualTo(new ReplicaPlan.Done(List.of()));
        assertThat(w.replicas).extracting(Replica::configHash).containsOnly("B");
        assertThat(w.replicas).extracting(Replica::index).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(w.minServing).isEqualTo(3);
        assertThat(w.maxAlive).as("surge of one").isEqualTo(4);
        assertThat(w.started).isEqualTo(3);
        assertThat(w.retired).isEqualTo(3);
    }

    @Test
    void parallelism_bounds_how_many_are_replaced_at_once() {
        World w = new World("A", 4);
        w.run(4, "B", "rolling", 2);
        assertThat(w.maxAlive).isEqualTo(6);
        assertThat(w.minServing).isEqualTo(4);
    }

    @Test
    void scaling_touches_only_the_difference() {
        World up = new World("A", 3);
        up.run(5, "A", "rolling", 1);
        assertThat(up.started).isEqualTo(2);
        assertThat(up.retired).isZero();
        assertThat(up.replicas).extracting(Replica::containerId).contains("old1", "old2", "old3");
        assertThat(up.replicas).extracting(Replica::index).containsExactlyInAnyOrder(1, 2, 3, 4, 5);

        World down = new World("A", 5);
        down.run(2, "A", "rolling", 1);
        assertThat(down.started).isZero();
        assertThat(down.replicas).extracting(Replica::containerId).containsExactlyInAnyOrder("old1", "old2");
    }

    @Test
    void canary_holds_once_with_the_first_new_replica_serving_beside_the_old_set() {
        World w = new World("A", 3);
        w.run(3, "B", "canary", 1);
        assertThat(w.holds).isEqualTo(1);
        int hold = w.log.indexOf("Hold");
        assertThat(w.log.subList(0, hold)).as("one new replica, then the hold").containsExactly("Start");
        assertThat(w.minServing).isEqualTo(3);
    }

    @Test
    void blue_green_starts_the_whole_set_on_standby_then_switches_once_and_keeps_the_old_set() {
        World w = new World("A", 3);
        ReplicaPlan.Step end = w.run(3, "B", "blue_green", 1);
        assertThat(w.started).isEqualTo(3);
        assertThat(w.switches).isEqualTo(1);
        assertThat(w.log.get(0)).isEqualTo("Start");
        assertThat(end).isEqualTo(new ReplicaPlan.Done(List.of("old1", "old2", "old3")));
        assertThat(w.replicas.stream().filter(r -> r.configHash().equals("A")).map(Replica::admin)).containsOnly("draining");
        assertThat(w.minServing).isEqualTo(3);
    }

    @Test
    void a_new_replica_that_dies_or_turns_unhealthy_fails_the_service() {
        List<Replica> now = List.of(new Replica("o1", 1, "A", "running", null, "active"), new Replica("n1", 1, "B", "failed", null, "active"));
        assertThat(ReplicaPlan.next(now, 1, "B", "rolling", 1, false, java.util.Set.of("n1"))).isEqualTo(new ReplicaPlan.Failed("n1", "process_failed"));
        List<Replica> sick = List.of(new Replica("n1", 1, "B", "running", "unhealthy", "standby"), new Replica("o1", 1, "A", "running", null, "active"));
        assertThat(ReplicaPlan.next(sick, 1, "B", "blue_green", 1, false, java.util.Set.of("n1"))).isEqualTo(new ReplicaPlan.Failed("n1", "readiness_failed"));
    }

    @Test
    void a_rollout_cut_anywhere_continues_from_the_replicas_alone() {
        // server killed after starting the 2nd new replica and draining one old one (still running)
        List<Replica> now = List.of(new Replica("n1", 1, "B", "running", null, "active"), new Replica("n2", 2, "B", "running", null, "active"),
                new Replica("o1", 1, "A", "running", null, "draining"), new Replica("o2", 2, "A", "running", null, "active"),
                new Replica("o3", 3, "A", "running", null, "active"));
        ReplicaPlan.Step s = ReplicaPlan.next(now, 3, "B", "rolling", 1, false, java.util.Set.of());
        assertThat(s).as("the draining one goes first, no new start while there is excess").isEqualTo(new ReplicaPlan.Retire(List.of("o1")));
    }

    @Test
    void a_replica_that_was_already_broken_is_replaced_not_a_failure() {
        World w = new World("A", 3);
        w.replicas.set(0, new Replica("old1", 1, "A", "failed", null, "active"));
        w.replicas.set(1, new Replica("old2", 2, "A", "running", "unhealthy", "active"));
        assertThat(w.run(3, "A", "rolling", 1)).isInstanceOf(ReplicaPlan.Done.class);
        assertThat(w.log.get(0)).isEqualTo("Retire");
        assertThat(w.replicas).extracting(Replica::containerId).containsExactlyInAnyOrder("old3", "new1", "new2");
        assertThat(w.replicas).extracting(Replica::index).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void a_rolling_release_after_an_interrupted_blue_green_one_activates_the_standby_set_before_retiring_anything() {
        List<Replica> now = List.of(new Replica("o1", 1, "A", "running", null, "active"), new Replica("n1", 1, "B", "running", null, "standby"));
        assertThat(ReplicaPlan.next(now, 1, "B", "rolling", 1, false, java.util.Set.of()))
                .isEqualTo(new ReplicaPlan.Switch(List.of("n1"), List.of()));
    }

    @Test
    void a_replica_recorded_but_never_started_is_replaced_not_waited_for() {
        List<Replica> now = List.of(new Replica("n1", 1, "B", "created", null, "active"));
        assertThat(ReplicaPlan.next(now, 1, "B", "rolling", 1, false, java.util.Set.of())).isEqualTo(new ReplicaPlan.Retire(List.of("n1")));
    }

    @Test
    void nothing_to_do_is_done_at_once() {
        World w = new World("A", 2);
        assertThat(w.run(2, "A", "blue_green", 1)).isEqualTo(new ReplicaPlan.Done(List.of()));
        assertThat(w.log).containsExactly("Done");
    }

}
