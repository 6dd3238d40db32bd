package dev.yoq.cluster.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.cluster.schedule.NodeRole;
import dev.yoq.cluster.schedule.NodeStatus;
import dev.yoq.state.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The leader's placement pass, driven against a small simulated cluster. */
class WorkPlanTest {
    final AtomicInteger ids = new AtomicInteger();
    final Supplier<String> newId = () -> String.format("n%011d", ids.incrementAndGet());
    /** Release r1 serves its app (its newest completed one). */
    static final Set<String> SETTLED = Set.of("r1");
    /** A pass long after every replica was recorded: none waits out its repair minute. */
    static final long LATER = Long.MAX_VALUE;

    static AgentView agent(String id, NodeStatus status) {
        return new AgentView(id, status, NodeRole.BOTH, 2, 4096, Map.of());
    }

    static Work replica(String id, String agent, String status, String replaces) {
        return new Work(id, agent, status, null, "reg/web:1", "sleep 1", 100, 64, "shop", "service", "web", "r1", replaces);
    }

    @Test
    void a_release_of_four_replicas_spreads_two_and_two_over_two_agents_and_a_server_role_gets_none() {
        List<AgentView> agents = List.of(agent("a1", NodeStatus.ACTIVE), agent("a2", NodeStatus.ACTIVE),
                new AgentView("s1", NodeStatus.ACTIVE, NodeRole.SERVER, 64, 100_000, Map.of()));
        List<Work> fresh = new ArrayList<>();
        for (int i = 0; i < 4; i++) fresh.add(replica("w" + i, "", "pending", null));
        List<Command.NewAssignment> placed = WorkPlan.placeNew(agents, List.of(), fresh);
        assertThat(placed).extracting(Command.NewAssignment::agentId).containsExactlyInAnyOrder("a1", "a1", "a2", "a2");
        assertThat(placed).allMatch(a -> a.reason() == null && a.releaseId().equals("r1"));
    }

    @Test
    void work_with_no_room_waits_with_the_schedulers_reason_and_is_placed_once_an_agent_comes() {
        List<Command.NewAssignment> none = WorkPlan.placeNew(List.of(agent("a1", NodeStatus.DRAINING)), List.of(),
                List.of(replica("w1", "", "pending", null)));
        assertThat(none.get(0).agentId()).isEmpty();
        assertThat(none.get(0).reason()).startsWith("unschedulable: ");

        Work waiting = new Work("w1", "", "pending", none.get(0).reason(), "reg/web:1", "", 100, 64, "shop", "service", "web", "r1", null);
        WorkPlan.Decision same = WorkPlan.plan(List.of(agent("a1", NodeStatus.DRAINING)), List.of(waiting), SETTLED, LATER, newId);
        assertThat(same.empty()).as("an unchanged reason is not written again").isTrue();

        WorkPlan.Decision placed = WorkPlan.plan(List.of(agent("a1", NodeStatus.DRAINING), agent("a2", NodeStatus.ACTIVE)), List.of(waiting), SETTLED, LATER, newId);
        assertThat(placed.placed()).containsExactly(new Command.Placement("w1", "a2"));
    }

    @Test
    void an_offline_agents_orphaned_work_is_placed_on_the_agents_left_spreading_again() {
        List<Work> work = List.of(replica("w1", "a1", "running", null), replica("w2", "", "pending", null), replica("w3", "", "pending", null));
        WorkPlan.Decision d = WorkPlan.plan(List.of(agent("a1", NodeStatus.ACTIVE), agent("a2", NodeStatus.ACTIVE),
                agent("a3", NodeStatus.OFFLINE)), work, SETTLED, LATER, newId);
        assertThat(d.placed()).hasSize(2).extracting(Command.Placement::agentId).as("the emptier agent first, never the offline one")
                .contains("a2").doesNotContain("a3");
        assertThat(d.placed().get(0).agentId()).isEqualTo("a2");
        assertThat(d.created()).isEmpty();
        assertThat(d.removed()).isEmpty();
    }

    @Test
    void a_drained_agents_work_is_replaced_elsewhere_first_and_removed_there_only_once_the_replacement_runs() {
        List<AgentView> agents = List.of(agent("a1", NodeStatus.DRAINING), agent("a2", NodeStatus.ACTIVE));
        List<Work> work = new ArrayList<>(List.of(replica("w1", "a1", "running", null), replica("w2", "a2", "running", null)));
        WorkPlan.Decision first = WorkPlan.plan(agents, work, SETTLED, LATER, newId);
        assertThat(first.created()).singleElement().satisfies(c -> {
            assertThat(c.replaces()).isEqualTo("w1");
            assertThat(c.agentId()).isEqualTo("a2");
            assertThat(c.image()).isEqualTo("reg/web:1");
        });
        assertThat(first.removed()).as("nothing stops before its replacement runs").isEmpty();

        Command.NewAssignment c = first.created().get(0);
        work.add(new Work(c.id(), c.agentId(), "pending", null, c.image(), c.command(), c.cpuLimit(), c.memoryLimitMb(), c.appName(),
                c.workloadKind(), c.workloadName(), c.releaseId(), c.replaces()));
        assertThat(WorkPlan.plan(agents, work, SETTLED, LATER, newId).empty()).as("one replacement, not one per pass").isTrue();

        work.set(2, new Work(c.id(), c.agentId(), "running", null, c.image(), c.command(), c.cpuLimit(), c.memoryLimitMb(), c.appName(),
                c.workloadKind(), c.workloadName(), c.releaseId(), c.replaces()));
        assertThat(WorkPlan.plan(agents, work, SETTLED, LATER, newId).removed()).containsExactly("w1");
        work.remove(0);
        assertThat(WorkPlan.plan(agents, work, SETTLED, LATER, newId).empty()).as("once removed, nothing more to write each pass").isTrue();
    }

    @Test
    void a_failed_replica_of_a_release_that_does_not_serve_is_not_replaced() {
        List<AgentView> agents = List.of(agent("a2", NodeStatus.ACTIVE));
        assertThat(WorkPlan.plan(agents, List.of(replica("x1", "a2", "failed", "w1")), Set.of(), LATER, newId).empty())
                .as("r1 in progress (it fails on this), failed or superseded: not served, not replaced").isTrue();
        assertThat(WorkPlan.plan(agents, List.of(replica("x1", "a2", "failed", "w1")), Set.of("r0"), LATER, newId).empty()).isTrue();
    }

    @Test
    void a_replica_that_fails_after_its_release_completed_is_replaced_and_removed_once_the_replacement_runs() {
        List<AgentView> agents = List.of(agent("a1", NodeStatus.ACTIVE), agent("a2", NodeStatus.ACTIVE));
        Work failed = new Work("w1", "a1", "failed", "health check failed 3 times in a row", "reg/web:1", "sleep 1", 100, 64, "shop",
                "service", "web", "r1", null, Map.of("zone", "a"), "{\"env\":[\"A=1\"]}");
        List<Work> work = new ArrayList<>(List.of(failed, replica("w2", "a2", "running", null)));
        WorkPlan.Decision d = WorkPlan.plan(agents, work, SETTLED, LATER, newId);
        assertThat(d.removed()).as("the failed one stays until its replacement runs").isEmpty();
        assertThat(d.created()).singleElement().satisfies(c -> {
            assertThat(c.replaces()).isEqualTo("w1");
            assertThat(c.releaseId()).isEqualTo("r1");
            assertThat(c.details()).isEqualTo("{\"env\":[\"A=1\"]}");
            assertThat(c.requiredLabels()).isEqualTo("zone=a");
            assertThat(c.agentId()).as("no agent has zone=a").isEmpty();
            assertThat(c.reason()).startsWith("unschedulable: ");
        });

        Command.NewAssignment c = d.created().get(0);
        work.add(new Work(c.id(), "a1", "running", null, c.image(), c.command(), c.cpuLimit(), c.memoryLimitMb(), c.appName(),
                c.workloadKind(), c.workloadName(), c.releaseId(), c.replaces(), Map.of("zone", "a"), c.details()));
        assertThat(WorkPlan.plan(agents, work, SETTLED, LATER, newId).removed()).containsExactly("w1");
    }

    @Test
    void a_replica_that_ended_soon_after_it_was_recorded_is_repaired_only_a_minute_after_so_a_crash_loop_is_not_retried_every_pass() {
        List<AgentView> agents = List.of(agent("a1", NodeStatus.ACTIVE));
        Work crashed = new Work("w1", "a1", "failed", "exited with code 1 after 3 restarts", "reg/web:1", "", 100, 64, "shop", "service",
                "web", "r1", null, Map.of(), "{}", 1_000_000);
        assertThat(WorkPlan.plan(agents, List.of(crashed), SETTLED, 1_000_000 + 30_000, newId).empty()).isTrue();
        assertThat(WorkPlan.plan(agents, List.of(crashed), SETTLED, 1_000_000 + WorkPlan.REPAIR_AFTER_MS, newId).created())
                .singleElement().satisfies(c -> assertThat(c.replaces()).isEqualTo("w1"));
    }

    @Test
    void required_labels_place_work_only_on_agents_carrying_them() {
        List<AgentView> agents = List.of(agent("a1", NodeStatus.ACTIVE), new AgentView("a2", NodeStatus.ACTIVE, NodeRole.BOTH, 2, 4096,
                Map.of("zone", "b", "disk", "ssd")));
        List<Work> fresh = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            fresh.add(new Work("w" + i, "", "pending", null, "reg/web:1", "", 100, 64, "shop", "service", "web", "r1", null,
                    Map.of("zone", "b"), "{}"));
        }
        assertThat(WorkPlan.placeNew(agents, List.of(), fresh)).extracting(Command.NewAssignment::agentId)
                .as("spread would pick a1 for one of them; the label rules it out").containsExactly("a2", "a2");
    }

    @Test
    void a_failed_replacement_is_removed_and_the_next_pass_makes_another() {
        List<AgentView> agents = List.of(agent("a1", NodeStatus.DRAINING), agent("a2", NodeStatus.ACTIVE));
        List<Work> work = List.of(replica("w1", "a1", "running", null), replica("x1", "a2", "failed", "w1"));
        WorkPlan.Decision d = WorkPlan.plan(agents, work, SETTLED, LATER, newId);
        assertThat(d.removed()).containsExactly("x1");
        assertThat(d.created()).singleElement().satisfies(c -> assertThat(c.replaces()).isEqualTo("w1"));
    }

    static Work run(String id, String agent, String status, long createdAt) {
        return new Work(id, agent, status, status.equals("stopped") ? "exited with code 0" : null, "reg/tools:1", "migrate", 1000, 256,
                "shop", "worker", "migrate", "r1", null, Map.of(), "{}", createdAt);
    }

    @Test
    void a_worker_run_is_neither_moved_off_a_draining_agent_nor_repaired_and_only_its_newest_ended_runs_are_kept() {
        List<AgentView> agents = List.of(agent("a1", NodeStatus.DRAINING), agent("a2", NodeStatus.ACTIVE));
        WorkPlan.Decision d = WorkPlan.plan(agents, List.of(run("w1", "a1", "running", 1), run("w2", "a2", "failed", 2)), SETTLED, LATER, newId);
        assertThat(d.empty()).as("a run goes on where it is (a drain waits for it) and a failed one is not run again").isTrue();

        List<Work> history = new ArrayList<>();
        for (int i = 0; i < WorkPlan.KEPT_RUNS + 3; i++) history.add(run(String.format("r%011d", i), "a2", i % 2 == 0 ? "stopped" : "failed", 100 + i));
        history.add(run("live", "a2", "running", 1));   // the oldest, but still running: never pruned
        history.add(new Work("c0", "a2", "stopped", "exited with code 0", "reg/tools:1", "migrate", 1000, 256, "shop", "cron", "migrate",
                "r1", null, Map.of(), "{}", 0));   // the oldest of all, but a cron's: counted on its own
        WorkPlan.Decision pruned = WorkPlan.plan(agents, history, SETTLED, LATER, newId);
        assertThat(pruned.removed()).as("the three oldest ended runs").containsExactlyInAnyOrder("r00000000000", "r00000000001", "r00000000002");
        assertThat(pruned.created()).isEmpty();
    }

    @Test
    void a_live_run_on_a_draining_agent_gone_silent_is_recorded_failed_and_one_on_a_draining_agent_that_speaks_runs_on() {
        long now = 1_000_000;
        var silent = new AgentView("a1", NodeStatus.DRAINING, NodeRole.BOTH, 2, 4096, Map.of(), now - 31_000);
        var speaking = new AgentView("a2", NodeStatus.DRAINING, NodeRole.BOTH, 2, 4096, Map.of(), now - 5_000);
        WorkPlan.Decision d = WorkPlan.plan(List.of(silent, speaking), List.of(run("w1", "a1", "running", 1), run("w2", "a2", "running", 1),
                run("w3", "a1", "stopped", 1)), SETTLED, now, newId);
        assertThat(d.lost()).containsOnlyKeys("w1");
        assertThat(d.lost().get("w1")).isEqualTo("its agent a1 went silent while draining");
        assertThat(d.created()).isEmpty();
    }

    @Test
    void a_worker_run_waits_for_room_like_any_work_and_is_placed_with_the_workers_labels() {
        Work waiting = new Work("w1", "", "pending", null, "reg/tools:1", "migrate", 1000, 256, "shop", "worker", "migrate", "r1", null,
                Map.of("zone", "b"), "{}", 1);
        var labelled = new AgentView("a3", NodeStatus.ACTIVE, NodeRole.BOTH, 2, 4096, Map.of("zone", "b"));
        WorkPlan.Decision d = WorkPlan.plan(List.of(agent("a1", NodeStatus.ACTIVE), labelled), List.of(waiting), SETTLED, LATER, newId);
        assertThat(d.placed()).containsExactly(new Command.Placement("w1", "a3"));
    }

    @Test
    void a_command_becomes_one_string_that_sh_reads_back_as_the_same_words() {
        assertThat(ShellWords.join(List.of("sleep", "3600"))).isEqualTo("sleep 3600");
        assertThat(ShellWords.join(List.of("sh", "-c", "echo it's $HOME"))).isEqualTo("sh -c 'echo it'\\''s $HOME'");
        assertThat(ShellWords.join(List.of())).isEmpty();
    }

    static Work withVolume(String id, String agent, String status, String replaces) {
        return new Work(id, agent, status, null, "reg/db:1", "", 100, 64, "shop", "service", "db", "r1", replaces, Map.of(),
                "{\"volumes\":[{\"name\":\"data\",\"target\":\"/data\",\"driver\":\"local\"},"
                        + "{\"name\":\"shared\",\"target\":\"/s\",\"driver\":\"nfs\",\"server\":\"nas\",\"path\":\"/x\"}]}");
    }

    @Test
    void work_mounting_a_local_volume_nobody_holds_goes_together_to_one_agent_and_then_only_to_the_holder() {
        List<AgentView> agents = List.of(agent("a1", NodeStatus.ACTIVE), agent("a2", NodeStatus.ACTIVE));
        List<Command.NewAssignment> first = WorkPlan.placeNew(agents, List.of(), List.of(withVolume("w1", "", "pending", null),
                withVolume("w2", "", "pending", null), replica("w3", "", "pending", null)), Map.of());
        assertThat(first.get(0).agentId()).as("spread gives way to the volume").isEqualTo(first.get(1).agentId()).isNotEmpty();

        List<Command.NewAssignment> held = WorkPlan.placeNew(agents, List.of(), List.of(withVolume("w4", "", "pending", null)),
                Map.of("shop/data", "a2"));
        assertThat(held.get(0).agentId()).isEqualTo("a2");
        assertThat(WorkPlan.placeNew(agents, List.of(), List.of(withVolume("w5", "", "pending", null)), Map.of("other/data", "a2")).get(0).agentId())
                .as("another app's volume of that name").isNotEmpty();
    }

    @Test
    void work_whose_volume_holder_cannot_take_it_waits_naming_the_volume_and_a_drain_leaves_it_where_it_runs() {
        List<AgentView> agents = List.of(agent("a1", NodeStatus.DRAINING), agent("a2", NodeStatus.ACTIVE));
        List<Command.NewAssignment> waiting = WorkPlan.placeNew(agents, List.of(), List.of(withVolume("w1", "", "pending", null)),
                Map.of("shop/data", "a1"));
        assertThat(waiting.get(0).agentId()).isEmpty();
        assertThat(waiting.get(0).reason()).isEqualTo("unschedulable: volume data is on agent a1, which cannot take it now");

        WorkPlan.Decision drain = WorkPlan.plan(agents, List.of(withVolume("w1", "a1", "running", null)), SETTLED, Map.of("shop/data", "a1"),
                LATER, newId);
        assertThat(drain.created()).as("its replacement cannot run elsewhere: it waits, the replica keeps running").singleElement()
                .satisfies(a -> assertThat(a.agentId()).isEmpty());
        assertThat(drain.removed()).isEmpty();
    }

    static Work mounting(String id, String... volumes) {
        StringBuilder json = new StringBuilder("{\"volumes\":[");
        for (int i = 0; i < volumes.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"name\":\"").append(volumes[i]).append("\",\"target\":\"/").append(volumes[i])
                    .append("\",\"driver\":\"local\"}");
        }
        return new Work(id, "", "pending", null, "reg/db:1", "", 100, 64, "shop", "service", "s" + id, "r1", null, Map.of(), json + "]}");
    }

    @Test
    void work_whose_new_volumes_overlap_lands_on_one_agent_however_the_overlap_runs() {
        List<AgentView> agents = List.of(agent("a1", NodeStatus.ACTIVE), agent("a2", NodeStatus.ACTIVE), agent("a3", NodeStatus.ACTIVE));
        for (int round = 0; round < 5; round++) {   // p mounts x, q x and y, r y: all three must share an agent
            List<Command.NewAssignment> placed = WorkPlan.placeNew(agents, List.of(), List.of(mounting("p" + round, "x"),
                    mounting("r" + round, "y"), mounting("q" + round, "x", "y")), Map.of());
            assertThat(placed).extracting(Command.NewAssignment::agentId).as(placed.toString()).doesNotContain("").containsOnly(placed.get(0).agentId());
        }
    }
}
