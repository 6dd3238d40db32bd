package dev.yoq.cluster.schedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spec's scheduler (§5.3) as a pure function. A node is eligible when it is {@code active}, its role is not
 * {@code server}, it has the request's CPU, memory and GPUs free (with the GPU model and VRAM asked for) and every
 * required label. Among eligible nodes it takes the one running the fewest replicas of the request's group, so a
 * service's replicas spread over nodes, then the highest {@code free_cpu + free_mem + 1000 × free_gpus} (the spec's
 * score: the emptiest node), then the smallest node id, so the same input always gives the same answer. A gang is
 * placed whole or not at all. Requests are placed in the order given; each placement uses the node's resources
 * for the requests after it.
 */
public final class Scheduler {

    private Scheduler() {
    }

    public static Placements place(List<NodeCapacity> nodes, List<PlacementRequest> requests) {
        Ledger ledger = new Ledger(nodes);
        List<Placements.Placed> placed = new ArrayList<>();
        List<Placements.Unplaced> unplaced = new ArrayList<>();
        for (List<PlacementRequest> unit : units(requests)) {
            placeUnit(ledger, unit, placed, unplaced);
        }
        return new Placements(placed, unplaced);
    }

    /** Requests grouped into what must succeed together: a gang at the position of its first member, else one. */
    static List<List<PlacementRequest>> units(List<PlacementRequest> requests) {
        Map<Object, List<PlacementRequest>> byUnit = new LinkedHashMap<>();
        for (PlacementRequest r : requests) {
            Object key = r.gang() == null ? r : "gang:" + r.gang();
            byUnit.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        return new ArrayList<>(byUnit.values());
    }

    private static void placeUnit(Ledger ledger, List<PlacementRequest> unit, List<Placements.Placed> placed,
                                  List<Placements.Unplaced> unplaced) {
        List<int[]> taken = new ArrayList<>();
        for (PlacementRequest r : unit) {
            int node = ledger.best(r);
            if (node < 0) {
                for (int i = taken.size() - 1; i >= 0; i--) ledger.release(unit.get(i), taken.get(i)[0]);
                String reason = ledger.whyNot(r);
                for (PlacementRequest member : unit) {
                    unplaced.add(new Placements.Unplaced(member.id(), unit.size() == 1 ? reason
                            : "gang " + r.gang() + " not placed (all " + unit.size() + " or none): " + r.id() + ": " + reason));
                }
                return;
            }
            ledger.take(r, node);
            taken.add(new int[] {node});
        }
        for (int i = 0; i < unit.size(); i++) {
            placed.add(new Placements.Placed(unit.get(i).id(), ledger.id(taken.get(i)[0])));
        }
    }

    /** Free resources per node while one pass places requests; arrays so a pass over 1,000 nodes stays cheap. */
    static final class Ledger {
        private final NodeCapacity[] nodes;
        private final long[] freeCpu;
        private final long[] freeMem;
        private final int[] freeGpus;
        private final boolean[] open;
        private final Map<String, int[]> groupCounts = new HashMap<>();

        Ledger(List<NodeCapacity> given) {
            nodes = given.toArray(NodeCapacity[]::new);
            Arrays.sort(nodes, Comparator.comparing(NodeCapacity::id));
            int n = nodes.length;
            freeCpu = new long[n];
            freeMem = new long[n];
            freeGpus = new int[n];
            open = new boolean[n];
            for (int i = 0; i < n; i++) {
                NodeCapacity c = nodes[i];
                freeCpu[i] = c.cpuCores() * 1000L - c.cpuUsedMillis();
                freeMem[i] = c.memoryMb() - c.memoryUsedMb();
                freeGpus[i] = c.gpuCount() - c.gpuUsed();
                open[i] = c.status() == NodeStatus.ACTIVE && c.role().runsWork();
                for (Map.Entry<String, Integer> g : c.groupReplicas().entrySet()) {
                    groupCounts.computeIfAbsent(g.getKey(), k -> new int[n])[i] = g.getValue();
                }
            }
        }

        String id(int node) { return nodes[node].id(); }

        int best(PlacementRequest r) {
            int[] counts = r.group() == null ? null : groupCounts.get(r.group());
            int best = -1;
            int bestCount = Integer.MAX_VALUE;
            long bestScore = Long.MIN_VALUE;
            for (int i = 0; i < nodes.length; i++) {
                if (!open[i] || freeCpu[i] < r.cpuMillis() || freeMem[i] < r.memoryMb() || !fitsGpus(r, i)
                        || !hasLabels(nodes[i], r)) {
                    continue;
                }
                int count = counts == null ? 0 : counts[i];
                long score = freeCpu[i] + freeMem[i] + 1000L * freeGpus[i];
                if (count < bestCount || (count == bestCount && score > bestScore)) {
                    best = i;
                    bestCount = count;
                    bestScore = score;
                }
            }
            return best;
        }

        void take(PlacementRequest r, int node) { adjust(r, node, -1); }

        void release(PlacementRequest r, int node) { adjust(r, node, 1); }

        private void adjust(PlacementRequest r, int node, int sign) {
            freeCpu[node] += sign * r.cpuMillis();
            freeMem[node] += sign * r.memoryMb();
            freeGpus[node] += sign * r.gpus();
            if (r.group() != null) groupCounts.computeIfAbsent(r.group(), k -> new int[nodes.length])[node] -= sign;
        }

        private boolean fitsGpus(PlacementRequest r, int i) {
            if (r.gpus() == 0) return true;
            NodeCapacity c = nodes[i];
            return freeGpus[i] >= r.gpus()
                    && (r.gpuModel() == null || r.gpuModel().equals(c.gpuModel()))
                    && c.gpuVramMb() >= r.minGpuVramMb();
        }

        private static boolean hasLabels(NodeCapacity node, PlacementRequest r) {
            for (Map.Entry<String, String> l : r.requiredLabels().entrySet()) {
                if (!l.getValue().equals(node.labels().get(l.getKey()))) return false;
            }
            return true;
        }

        /** The first rule that rules out every node, in the order a user would fix them. */
        String whyNot(PlacementRequest r) {
            boolean anyOpen = false;
            boolean anyLabelled = false;
            boolean anyGpu = false;
            for (int i = 0; i < nodes.length; i++) {
                if (!open[i]) continue;
                anyOpen = true;
                if (!hasLabels(nodes[i], r)) continue;
                anyLabelled = true;
                if (fitsGpus(r, i)) anyGpu = true;
            }
            if (!anyOpen) return "no agents available";
            if (!anyLabelled) return "no active node has the labels " + labels(r);
            if (!anyGpu) return "no node has " + r.gpus() + " free GPU(s)" + (r.gpuModel() == null ? "" : " of model " + r.gpuModel())
                    + (r.minGpuVramMb() > 0 ? " with " + r.minGpuVramMb() + " MB VRAM" : "");
            return "no node has " + r.cpuMillis() + " millicores and " + r.memoryMb() + " MB free";
        }

        private static String labels(PlacementRequest r) {
            StringBuilder b = new StringBuilder();
            r.requiredLabels().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> b.append(b.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue()));
            return b.toString();
        }
    }
}
