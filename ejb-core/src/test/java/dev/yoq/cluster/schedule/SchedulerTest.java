package dev.yoq.cluster.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulerTest {

    static PlacementRequest replica(String id) { return PlacementRequest.replica(id, "app/web"); }

    @Test
    void the_spec_defaults_are_1000_millicores_and_256_mb() {
        PlacementRequest r = replica("a");
        assertThat(r.cpuMillis()).isEqualTo(1000);
        assertThat(r.memoryMb()).isEqualTo(256);
    }

    @Test
    void the_emptiest_node_by_free_cpu_plus_memory_wins() {
        List<NodeCapacity> nodes = List.of(
                NodeCapacity.empty("n1", 4, 4096).withUsage(2000, 0, Map.of()),
                NodeCapacity.empty("n2", 4, 4096),
                NodeCapacity.empty("n3", 4, 8192).withUsage(3500, 0, Map.of()));
        // free: n1 2000+4096, n2 4000+4096, n3 500+8192: n3 scores highest but lacks the 1000 millicores asked
        Placements p = Scheduler.place(nodes, List.of(PlacementRequest.replica("x", null)));
        assertThat(p.nodeOf("x")).isEqualTo("n2");
    }

    @Test
    void replicas_of_one_service_spread_before_they_stack() {
        List<NodeCapacity> nodes = List.of(NodeCapacity.empty("a", 8, 16384), NodeCapacity.empty("b", 2, 2048));
        Placements p = Scheduler.place(nodes, List.of(replica("r1"), replica("r2"), replica("r3"), replica("r4")));
        assertThat(p.unplaced()).isEmpty();
        // r1 goes to the emptier a, r2 to b (a already runs one), r3 to a (b has only 1000 mc left but 1 replica each → a's score), r4 to b.
        assertThat(p.placed()).extracting(Placements.Placed::nodeId).containsExactly("a", "b", "a", "b");
    }

    @Test
    void replicas_already_running_count_towards_the_spread() {
        List<NodeCapacity> nodes = List.of(
                NodeCapacity.empty("a", 8, 16384).withUsage(1000, 256, Map.of("app/web", 1)),
                NodeCapacity.empty("b", 4, 4096));
        assertThat(Scheduler.place(nodes, List.of(replica("r"))).nodeOf("r")).isEqualTo("b");
    }

    @Test
    void server_role_draining_and_offline_nodes_take_no_work() {
        List<NodeCapacity> nodes = List.of(
                NodeCapacity.empty("s", 64, 65536).withRole(NodeRole.SERVER),
                NodeCapacity.empty("d", 64, 65536).withStatus(NodeStatus.DRAINING),
                NodeCapacity.empty("o", 64, 65536).withStatus(NodeStatus.OFFLINE));
        Placements p = Scheduler.place(nodes, List.of(replica("r")));
        assertThat(p.placed()).isEmpty();
        assertThat(p.unplaced()).containsExactly(new Placements.Unplaced("r", "no agents available"));
        assertThat(Scheduler.place(List.of(NodeCapacity.empty("ag", 1, 512).withRole(NodeRole.AGENT)), List.of(replica("r")))
                .nodeOf("r")).isEqualTo("ag");
    }

    @Test
    void required_labels_must_all_match_exactly() {
        List<NodeCapacity> nodes = List.of(
                NodeCapacity.empty("a", 16, 16384).withLabels(Map.of("zone", "a")),
                NodeCapacity.empty("b", 2, 2048).withLabels(Map.of("zone", "b", "disk", "ssd")));
        PlacementRequest r = replica("r").withLabels(Map.of("zone", "b", "disk", "ssd"));
        assertThat(Scheduler.place(nodes, List.of(r)).nodeOf("r")).isEqualTo("b");
        Placements none = Scheduler.place(nodes, List.of(replica("q").withLabels(Map.of("zone", "c"))));
        assertThat(none.unplaced()).containsExactly(new Placements.Unplaced("q", "no active node has the labels zone=c"));
    }

    @Test
    void cpu_and_memory_are_never_overcommitted() {
        List<NodeCapacity> nodes = List.of(NodeCapacity.empty("a", 2, 1024));
        List<PlacementRequest> rs = new ArrayList<>();
        for (int i = 0; i < 5; i++) rs.add(replica("r" + i).withResources(500, 300));
        Placements p = Scheduler.place(nodes, rs);
        // memory binds first: 3 × 300 ≤ 1024 < 4 × 300
        assertThat(p.placed()).hasSize(3);
        assertThat(p.unplaced()).extracting(Placements.Unplaced::reason)
                .containsOnly("no node has 500 millicores and 300 MB free");
    }

    @Test
    void gpus_count_model_and_vram_must_fit() {
        List<NodeCapacity> nodes = List.of(
                NodeCapacity.empty("t4", 16, 65536).withGpus(4, 0, "T4", 16000),
                NodeCapacity.empty("h100", 16, 65536).withGpus(8, 6, "H100", 80000));
        PlacementRequest big = replica("big").withGpus(2, null, 40000);
        assertThat(Scheduler.place(nodes, List.of(big)).nodeOf("big")).isEqualTo("h100");
        PlacementRequest three = replica("three").withGpus(3, "H100", 0);
        assertThat(Scheduler.place(nodes, List.of(three)).unplaced())
                .containsExactly(new Placements.Unplaced("three", "no node has 3 free GPU(s) of model H100"));
        // free GPUs weigh 1000 each in the score: 4 free T4s beat 2 free H100s for a request that fits both
        assertThat(Scheduler.place(nodes, List.of(replica("any").withGpus(1, null, 0))).nodeOf("any")).isEqualTo("t4");
    }

    @Test
    void a_gang_is_placed_whole_or_not_at_all_and_frees_what_it_tried() {
        List<NodeCapacity> nodes = List.of(NodeCapacity.empty("a", 2, 4096), NodeCapacity.empty("b", 2, 4096));
        List<PlacementRequest> gang = new ArrayList<>();
        for (int i = 0; i < 5; i++) gang.add(PlacementRequest.replica("rank" + i, "train").inGang("job"));
        PlacementRequest after = PlacementRequest.replica("web", "app/web").withResources(2000, 256);
        Placements p = Scheduler.place(nodes, concat(gang, List.of(after)));
        assertThat(p.placed()).extracting(Placements.Placed::requestId).containsExactly("web");
        assertThat(p.unplaced()).hasSize(5).allSatisfy(u -> assertThat(u.reason()).startsWith("gang job not placed (all 5 or none): rank4"));

        Placements fits = Scheduler.place(nodes, gang.subList(0, 4));
        assertThat(fits.placed()).hasSize(4);
        assertThat(fits.placed()).extracting(Placements.Placed::nodeId).containsExactlyInAnyOrder("a", "a", "b", "b");
    }

    @Test
    void the_same_input_in_any_node_order_gives_the_same_placements() {
        List<NodeCapacity> nodes = new ArrayList<>();
        for (int i = 0; i < 10; i++) nodes.add(NodeCapacity.empty("n" + i, 4, 4096));
        List<PlacementRequest> rs = new ArrayList<>();
        for (int i = 0; i < 25; i++) rs.add(PlacementRequest.replica("r" + i, "g" + (i % 3)));
        Placements first = Scheduler.place(nodes, rs);
        java.util.Collections.reverse(nodes);
        assertThat(Scheduler.place(nodes, rs)).isEqualTo(first);
    }

    static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
