package dev.yoq.manifest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
        List<Service> order = kahn(m);
        if (order.size() != m.services().size()) {
            throw new IllegalStateException("dependency cycle: validate the manifest first");
        }
        return order;
    }

    /** Kahn's algorithm; services on or behind a cycle are left out of the result. */
    private static List<Service> kahn(Manifest m) {
        List<Service> services = m.services();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < services.size(); i++) {
            index.putIfAbsent(services.get(i).name(), i);
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
        return order;
    }

    /**
     * A cycle as names, first name repeated last; empty when there is none. Every service Kahn's algorithm could
     * not place waits on another unplaced one, so walking those waits from any of them must come back round.
     * Iterative: a 10,000-service chain must not exhaust the stack.
     */
    private static List<String> findCycle(Manifest m, Set<String> services) {
        Set<String> placed = new HashSet<>();
        kahn(m).forEach(s -> placed.add(s.name()));
        Map<String, Service> byName = new HashMap<>();
        m.services().forEach(s -> byName.putIfAbsent(s.name(), s));
        Service start = m.services().stream().filter(s -> !placed.contains(s.name())).findFirst().orElse(null);
        if (start == null) {
            return List.of();
        }
        List<String> path = new ArrayList<>();
        Map<String, Integer> position = new HashMap<>();
        String current = start.name();
        while (!position.containsKey(current)) {
            position.put(current, path.size());
            path.add(current);
            Service s = byName.get(current);
            current = s.dependsOn().stream()
                    .filter(d -> services.contains(d) && !d.equals(s.name()) && !placed.contains(d))
                    .findFirst().orElseThrow();
        }
        List<String> cycle = new ArrayList<>(path.subList(position.get(current), path.size()));
        cycle.add(current);
        return cycle;
    }
}
