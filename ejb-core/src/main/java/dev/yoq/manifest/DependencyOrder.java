package dev.yoq.manifest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;

import dev.yoq.manifest.Manifest.Service;

/**
 * Service dependencies (spec §3.10): a service may depend on services and workers; unknown names, itself and
 * cycles are errors (the cycle is named, {@code api -> db -> api}); start order is Kahn's algorithm with ties in
 * declaration order. Dependencies on workers do not constrain the order.
 */
final class DependencyOrder {

    private DependencyOrder() {
    }

    static void check(Manifest m, List<Problem> problems) {
        Set<String> services = m.services().stream().map(Service::name).collect(Collectors.toSet());
        Set<String> workers = m.workers().stream().map(Manifest.Worker::name).collect(Collectors.toSet());
        for (Service s : m.services()) {
            for (String dep : s.dependsOn()) {
                if (dep.equals(s.name())) {
                    problems.add(Problem.error("CircularDependency", "service." + s.name() + ".depends_on",
                            "'" + s.name() + "' depends on itself"));
                } else if (!services.contains(dep) && !workers.contains(dep)) {
                    problems.add(Problem.error("UnknownDependency", "service." + s.name() + ".depends_on",
                            "'" + dep + "' is not a service or worker of this manifest"));
                }
            }
        }
        List<String> cycle = findCycle(m, services);
        if (!cycle.isEmpty()) {
            problems.add(Problem.error("CircularDependency", "service." + cycle.get(0) + ".depends_on",
                    "dependency cycle: " + String.join(" -> ", cycle)));
        }
    }

    static List<Service> of(Manifest m) {
        List<Service> services = m.services();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < services.size(); i++) {
            index.put(services.get(i).name(), i);
        }
        int[] waiting = new int[services.size()];
        List<List<Integer>> dependents = new ArrayList<>();
        services.forEach(s -> dependents.add(new ArrayList<>()));
        for (int i = 0; i < services.size(); i++) {
            for (String dep : Set.copyOf(services.get(i).dependsOn())) {
                Integer d = index.get(dep);
                if (d != null && d != i) {
                    waiting[i]++;
                    dependents.get(d).add(i);
                }
            }
        }
        // ready services leave in declaration order: the smallest index first
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < waiting.length; i++) {
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        List<Service> order = new ArrayList<>(services.size());
        while (!ready.isEmpty()) {
            int next = ready.poll();
            order.add(services.get(next));
            for (int dependent : dependents.get(next)) {
                if (--waiting[dependent] == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (order.size() != services.size()) {
            throw new IllegalStateException("dependency cycle: validate the manifest first");
        }
        return order;
    }

    /** A cycle among services (self-loops excluded: reported on their own), as names, first name repeated last. */
    private static List<String> findCycle(Manifest m, Set<String> services) {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        m.services().forEach(s -> edges.put(s.name(), s.dependsOn().stream()
                .filter(d -> services.contains(d) && !d.equals(s.name())).toList()));
        Map<String, Integer> state = new HashMap<>(); // 1 = on the current path, 2 = done
        for (String start : edges.keySet()) {
            List<String> path = new ArrayList<>();
            if (visit(start, edges, state, path)) {
                return path;
            }
        }
        return List.of();
    }

    private static boolean visit(String node, Map<String, List<String>> edges, Map<String, Integer> state,
                                 List<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return false;
        }
        if (s != null && s == 1) {
            int from = path.indexOf(node);
            List<String> cycle = new ArrayList<>(path.subList(from, path.size()));
            cycle.add(node);
            path.clear();
            path.addAll(cycle);
            return true;
        }
        state.put(node, 1);
        path.add(node);
        for (String next : edges.getOrDefault(node, List.of())) {
            if (visit(next, edges, state, path)) {
                return true;
            }
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        return false;
    }
}
