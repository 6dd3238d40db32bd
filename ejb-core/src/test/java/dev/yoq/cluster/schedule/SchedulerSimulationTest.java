package dev.yoq.cluster.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The scheduler at cluster scale, with seeded random clusters: 1,000 nodes of mixed sizes, labels and states and
 * 10,000 requests. Checks the invariants rather than single answers.
 */
class SchedulerSimulationTest {

    static List<NodeCapacity> cluster(SplittableRandom random, int size) {
        List<NodeCapacity> nodes = new ArrayList<>();
        int[] cores = {2, 4, 8, 16, 32, 64};
        for (int i = 0; i < size; i++) {
            int c = cores[random.nextInt(cores.length)];
            NodeCapacity n = NodeCapacity.empty(String.format("node-%04d", i), c, c * 4096L)
                    .withLabels(Map.of("zone", "z" + random.nextInt(3)));
            int roll = random.nextInt(100);
            if (roll < 3) n = n.withStatus(NodeStatus.DRAINING);
            else if (roll < 5) n = n.withStatus(NodeStatus.OFFLINE);
            else if (roll < 8) n = n.withRole(NodeRole.SERVER);
            nodes.add(n);
        }
        return nodes;
    }

    static List<PlacementRequest> work(SplittableRandom random, int count, int groups) {
        List<PlacementRequest> rs = new ArrayList<>();
        long[] cpus = {100, 250, 500, 1000, 2000};
        long[] mems = {64, 128, 256, 512, 1024};
        for (int i = 0; i < count; i++) {
            PlacementRequest r = PlacementRequest.replica("req-" + i, "app/svc-" + random.nextInt(groups))
                    .withResources(cpus[random.nextInt(cpus.length)], mems[random.nextInt(mems.length)]);
            if (random.nextInt(10) == 0) r = r.withLabels(Map.of("zone", "z" + random.nextInt(3)));
            rs.add(r);
        }
        return rs;
    }

    @Test
    void ten_thousand_requests_on_a_thousand_nodes_respect_every_rule() {
        SplittableRandom random = new SplittableRandom(42);
        List<NodeCapacity> nodes = cluster(random, 1000);
        List<PlacementRequest> requests = work(random, 10_000, 500);
        Placements p = Scheduler.place(nodes, requests);

        assertThat(p.placed().size() + p.unplaced().size()).isEqualTo(10_000);
        assertThat(p.placed()).hasSize(10_000); // the cluster has room for all of it
        assertRules(nodes, requests, p);
    }

    @Test
    void replicas_of_a_service_differ_by_at_most_one_per_node_on_equal_nodes() {
        List<NodeCapacity> nodes = new ArrayList<>();
        for (int i = 0; i < 50; i++) nodes.add(NodeCapacity.empty("n" + i, 16, 65536));
        List<PlacementRequest> rs = new ArrayList<>();
        for (int i = 0; i < 1234; i++) rs.add(PlacementRequest.replica("r" + i, "app/g" + (i % 7)).withResources(100, 64));
        Placements p = Scheduler.place(nodes, rs);
        Map<String, Map<String, Integer>> perGroup = new HashMap<>();
        Map<String, String> groupOf = new HashMap<>();
        rs.forEach(r -> groupOf.put(r.id(), r.group()));
        for (Placements.Placed pl : p.placed()) {
            perGroup.computeIfAbsent(groupOf.get(pl.requestId()), g -> new HashMap<>()).merge(pl.nodeId(), 1, Integer::sum);
        }
        perGroup.forEach((group, counts) -> {
            int min = nodes.stream().mapToInt(n -> counts.getOrDefault(n.id(), 0)).min().orElseThrow();
            int max = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            assertThat(max - min).as(group).isLessThanOrEqualTo(1);
        });
    }

    @Test
    void the_same_seed_gives_the_same_placements() {
        Placements a = Scheduler.place(cluster(new SplittableRandom(7), 300), work(new SplittableRandom(8), 2000, 40));
        Placements b = Scheduler.place(cluster(new SplittableRandom(7), 300), work(new SplittableRandom(8), 2000, 40));
        assertThat(a).isEqualTo(b);
    }

    @Property(tries = 200)
    void an_overfull_random_cluster_is_never_overcommitted(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int size) {
        SplittableRandom random = new SplittableRandom(seed);
        List<NodeCapacity> nodes = cluster(random, size);
        List<PlacementRequest> requests = work(random, size * 40, 5);
        for (int i = 0; i < requests.size(); i += 17) requests.set(i, requests.get(i).inGang("gang-" + (i % 3)));
        assertRules(nodes, requests, Scheduler.place(nodes, requests));
    }

    static void assertRules(List<NodeCapacity> nodes, List<PlacementRequest> requests, Placements p) {
        Map<String, NodeCapacity> byId = new HashMap<>();
        nodes.forEach(n -> byId.put(n.id(), n));
        Map<String, PlacementRequest> reqs = new HashMap<>();
        requests.forEach(r -> reqs.put(r.id(), r));
        Map<String, long[]> used = new HashMap<>();
        for (Placements.Placed pl : p.placed()) {
            NodeCapacity n = byId.get(pl.nodeId());
            PlacementRequest r = reqs.get(pl.requestId());
            assertThat(n.status()).isEqualTo(NodeStatus.ACTIVE);
            assertThat(n.role()).isNotEqualTo(NodeRole.SERVER);
            r.requiredLabels().forEach((k, v) -> assertThat(n.labels()).containsEntry(k, v));
            long[] u = used.computeIfAbsent(n.id(), k -> new long[2]);
            u[0] += r.cpuMillis();
            u[1] += r.memoryMb();
        }
        used.forEach((id, u) -> {
            assertThat(u[0]).as("cpu on " + id).isLessThanOrEqualTo(byId.get(id).cpuCores() * 1000L);
            assertThat(u[1]).as("memory on " + id).isLessThanOrEqualTo(byId.get(id).memoryMb());
        });
        Map<String, Integer> gangPlaced = new HashMap<>();
        Map<String, Integer> gangSize = new HashMap<>();
        requests.stream().filter(r -> r.gang() != null).forEach(r -> gangSize.merge(r.gang(), 1, Integer::sum));
        p.placed().stream().map(pl -> reqs.get(pl.requestId())).filter(r -> r.gang() != null)
                .forEach(r -> gangPlaced.merge(r.gang(), 1, Integer::sum));
        gangPlaced.forEach((g, n) -> assertThat(n).as("gang " + g).isEqualTo(gangSize.get(g)));
    }
}
