package dev.yoq.cluster.work;

import dev.yoq.cluster.agent.AgentRegistration;
import dev.yoq.cluster.schedule.NodeCapacity;
import dev.yoq.cluster.schedule.NodeStatus;
import dev.yoq.cluster.schedule.PlacementRequest;
import dev.yoq.cluster.schedule.Placements;
import dev.yoq.cluster.schedule.Scheduler;
import dev.yoq.state.Command;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The leader's placement pass as a pure function of the agents and every assignment:
 * <ul>
 * <li>work on a draining agent gets a replacement (same image and limits, {@code replaces} = the old id), placed
 * like new work; once the replacement runs, the old assignment is removed (its agent then stops it), so a drain
 * never lowers the running count (the rollout rule: start first, then stop);</li>
 * <li>a replacement that failed or stopped before taking over is removed, and the next pass makes another (once
 * it took over it is an ordinary replica);</li>
 * <li>a replica of an app's serving release (its newest completed one) that failed or stopped gets a replacement
 * the same way, placed anywhere its labels allow, so the app returns to its replica count; the failed one is
 * removed once the replacement runs (a release in progress fails on a failure instead, and a failed release's
 * replicas are not served). One that ended within {@link #REPAIR_AFTER_MS} of being recorded is replaced only
 * once that much time has passed since, so a replica that crashes for good is tried about once a minute, not on
 * every pass;</li>
 * <li>a worker's or cron's run is never moved or repaired (it runs once, to its exit: a drain waits for it; one on a
 * draining agent that went silent is recorded failed); of each one's ended runs the newest {@link #KEPT_RUNS} are
 * kept (their containers too, for their logs) and older ones removed;</li>
 * <li>every unplaced pending assignment (new, orphaned by an offline agent, or waiting for room) goes through the
 * {@link Scheduler} with what each agent's live work already takes; what cannot be placed keeps waiting, with
 * the scheduler's reason.</li>
 * </ul>
 */
public final class WorkPlan {
    /** The shortest time between a replica being recorded and its repair: bounds the retries of one that never runs. */
    public static final long REPAIR_AFTER_MS = 60_000;
    /** Ended runs kept per worker or cron of an app: its recent history, bounded. */
    public static final int KEPT_RUNS = 10;

    private WorkPlan() {}

    /** What one pass decided: one {@link Command.PlaceAssignments}, one {@link Command.RemoveAssignments}, ... */
    /** ... and {@code lost}: live runs (id → reason) whose draining agent went silent, to be recorded failed. */
    public record Decision(List<Command.NewAssignment> created, List<Command.Placement> placed, Map<String, String> stillWaiting,
                           List<String> removed, Map<String, String> lost) {
        public boolean empty() {
            return created.isEmpty() && placed.isEmpty() && stillWaiting.isEmpty() && removed.isEmpty() && lost.isEmpty();
        }
    }

    /**
     * {@code servingReleases}: each app's newest completed release, whose ended replicas are replaced; {@code nowMs}:
     * the pass's time, against which a replica's age is measured for its repair.
     */
    public static Decision plan(List<AgentView> agents, List<Work> work, Set<String> servingReleases, long nowMs, Supplier<String> newId) {
        return plan(agents, work, servingReleases, Map.of(), nowMs, newId);
    }

    /** {@code volumeAgents}: which agent holds each local volume ({@code <app>/<volume>}); work mounting one goes there only. */
    public static Decision plan(List<AgentView> agents, List<Work> work, Set<String> servingReleases, Map<String, String> volumeAgents,
                                long nowMs, Supplier<String> newId) {
        Map<String, AgentView> byId = new HashMap<>();
        agents.forEach(a -> byId.put(a.id(), a));
        Map<String, Work> replacementOf = new HashMap<>();
        for (Work w : work) if (w.replaces() != null) replacementOf.put(w.replaces(), w);

        Set<String> present = new HashSet<>();
        work.forEach(w -> present.add(w.id()));
        List<String> removed = new ArrayList<>();
        for (Work w : work) {
            if (w.replaces() == null) continue;
            if (!present.contains(w.replaces())) continue;   // it took over: an ordinary replica now
            if ("running".equals(w.status())) removed.add(w.replaces());
            else if ("failed".equals(w.status()) || "stopped".equals(w.status())) removed.add(w.id());
        }
        removed.addAll(oldRuns(work));
        Set<String> gone = new HashSet<>(removed);

        List<Work> toPlace = new ArrayList<>();
        List<Command.NewAssignment> created = new ArrayList<>();
        for (Work w : work) {
            if (gone.contains(w.id())) continue;
            AgentView on = byId.get(w.agentId());
            boolean draining = w.service() && on != null && on.status() == NodeStatus.DRAINING && w.live();
            boolean endedAfterRelease = w.service() && w.ended() && w.releaseId() != null && servingReleases.contains(w.releaseId())
                    && nowMs - w.createdAt() >= REPAIR_AFTER_MS
                    && (w.replaces() == null || !present.contains(w.replaces()));
            Work replacement = replacementOf.get(w.id());
            if ((draining || endedAfterRelease) && (replacement == null || gone.contains(replacement.id()))) {
                toPlace.add(w.replacement(newId.get()));
            } else if (!w.placed() && "pending".equals(w.status())) {
                toPlace.add(w);
            }
        }

        Map<String, String> nodes = new HashMap<>(), why = new HashMap<>();
        place(agents, work, gone, toPlace, volumeAgents, nodes, why);
        List<Command.Placement> placed = new ArrayList<>();
        Map<String, String> stillWaiting = new LinkedHashMap<>();
        for (Work w : toPlace) {
            String node = nodes.get(w.id());
            if (w.replaces() != null && !present.contains(w.id())) {
                created.add(newAssignment(w, node == null ? "" : node, why.get(w.id())));
            } else if (node != null) {
                placed.add(new Command.Placement(w.id(), node));
            } else if (!why.get(w.id()).equals(w.reason())) {
                stillWaiting.put(w.id(), why.get(w.id()));
            }
        }
        return new Decision(created, placed, stillWaiting, removed, lostRuns(byId, work, nowMs));
    }

    /**
     * Live runs on a draining agent silent past the offline rule: the offline rule leaves a draining agent draining
     * (and its services get replacements anyway), so without this a run there would stay running for good.
     */
    static Map<String, String> lostRuns(Map<String, AgentView> agents, List<Work> work, long nowMs) {
        Map<String, String> lost = new LinkedHashMap<>();
        for (Work w : work) {
            AgentView on = agents.get(w.agentId());
            if (w.oneShot() && w.live() && on != null && on.status() == NodeStatus.DRAINING && on.silentAt(nowMs)) {
                lost.put(w.id(), "its agent " + on.id() + " went silent while draining");
            }
        }
        return lost;
    }

    /** Each worker's and cron's ended runs beyond its newest {@link #KEPT_RUNS}. */
    static List<String> oldRuns(List<Work> work) {
        Map<String, List<Work>> ended = new HashMap<>();
        for (Work w : work) if (w.oneShot() && w.ended()) ended.computeIfAbsent(w.workloadKind() + ":" + w.group(), k -> new ArrayList<>()).add(w);
        List<String> old = new ArrayList<>();
        for (List<Work> runs : ended.values()) {
            runs.sort(java.util.Comparator.comparingLong(Work::createdAt).thenComparing(Work::id).reversed());
            runs.stream().skip(KEPT_RUNS).forEach(w -> old.add(w.id()));
        }
        return old;
    }

    /**
     * Places a release's new replicas now (the apply does not wait for the next pass): each gets an agent, or
     * {@code ""} and the scheduler's reason.
     */
    public static List<Command.NewAssignment> placeNew(List<AgentView> agents, List<Work> existing, List<Work> fresh) {
        return placeNew(agents, existing, fresh, Map.of());
    }

    /** As above, work mounting a local volume only on the agent that holds it ({@code volumeAgents}: {@code <app>/<volume>} → agent). */
    public static List<Command.NewAssignment> placeNew(List<AgentView> agents, List<Work> existing, List<Work> fresh,
                                                       Map<String, String> volumeAgents) {
        Map<String, String> nodes = new HashMap<>(), why = new HashMap<>();
        place(agents, existing, Set.of(), fresh, volumeAgents, nodes, why);
        List<Command.NewAssignment> out = new ArrayList<>();
        for (Work w : fresh) out.add(newAssignment(w, nodes.getOrDefault(w.id(), ""), why.get(w.id())));
        return out;
    }

    /** The label every agent carries for the scheduler with its own id: how work is kept where its local volume is. */
    static final String AGENT_LABEL = "@agent";

    /**
     * Places {@code requests} beside {@code work} (less {@code gone}): each placed request's node into {@code nodes},
     * each unplaced one's reason into {@code why}. Work mounting a local volume goes to the agent that holds it. Work
     * whose volumes overlap (p mounts x, q x and y, r y) must share an agent, so the volumes are joined into groups:
     * a group with a held volume is held by that agent, and otherwise the first of its work to be placed decides the
     * agent for the whole group. Such work is placed one request at a time; the rest in one scheduler run after.
     */
    private static void place(List<AgentView> agents, List<Work> work, Set<String> gone, List<Work> requests, Map<String, String> volumeAgents,
                              Map<String, String> nodes, Map<String, String> why) {
        Map<String, String> holders = new HashMap<>(volumeAgents);
        Map<String, String> root = new HashMap<>();   // union-find over the volumes the requests mount
        for (Work w : requests) {
            List<String> keys = volumeKeys(w);
            for (String k : keys) {
                root.putIfAbsent(k, k);
                root.put(find(root, k), find(root, keys.get(0)));
            }
        }
        Map<String, List<String>> groups = new HashMap<>();
        root.keySet().forEach(k -> groups.computeIfAbsent(find(root, k), g -> new ArrayList<>()).add(k));
        for (List<String> group : groups.values()) {   // a group with one holder: all of it is that agent's
            Set<String> held = new HashSet<>();
            group.forEach(k -> { if (holders.containsKey(k)) held.add(holders.get(k)); });
            if (held.size() == 1) group.forEach(k -> holders.putIfAbsent(k, held.iterator().next()));
        }
        List<Work> beside = new ArrayList<>(work), plain = new ArrayList<>();
        for (Work w : requests) {
            List<String> keys = volumeKeys(w);
            if (keys.isEmpty()) {
                plain.add(w);
                continue;
            }
            schedule(capacities(agents, beside, gone), List.of(w), holders, nodes, why);
            String node = nodes.get(w.id());
            if (node == null) continue;
            groups.get(find(root, keys.get(0))).forEach(v -> holders.putIfAbsent(v, node));
            beside.add(new Work(w.id(), node, "pending", null, w.image(), w.command(), w.cpuLimit(), w.memoryLimitMb(), w.appName(),
                    w.workloadKind(), w.workloadName(), w.releaseId(), w.replaces(), w.requiredLabels(), w.details()));   // takes its room
        }
        schedule(capacities(agents, beside, gone), plain, holders, nodes, why);
    }

    private static String find(Map<String, String> root, String k) {
        while (!root.get(k).equals(k)) k = root.get(k);
        return k;
    }

    /** One scheduler run, each request held to the agent of the local volumes it mounts. */
    private static void schedule(List<NodeCapacity> capacities, List<Work> requests, Map<String, String> holders, Map<String, String> nodes,
                                 Map<String, String> why) {
        List<PlacementRequest> asked = new ArrayList<>();
        Map<String, String> heldBy = new HashMap<>();
        for (Work w : requests) {
            Set<String> agentsOf = new java.util.TreeSet<>();
            String volume = null;
            for (String v : volumeKeys(w)) {
                if (!holders.containsKey(v)) continue;
                agentsOf.add(holders.get(v));
                volume = v;
            }
            if (agentsOf.size() > 1) {
                why.put(w.id(), "unschedulable: its local volumes are on different agents " + String.join(", ", agentsOf));
                continue;
            }
            PlacementRequest r = request(w);
            if (agentsOf.size() == 1) {
                Map<String, String> labels = new HashMap<>(r.requiredLabels());
                labels.put(AGENT_LABEL, agentsOf.iterator().next());
                r = r.withLabels(labels);
                heldBy.put(w.id(), "volume " + volume.substring(volume.indexOf('/') + 1) + " is on agent " + agentsOf.iterator().next());
            }
            asked.add(r);
        }
        Placements p = Scheduler.place(capacities.stream().map(WorkPlan::labelled).toList(), asked);
        p.placed().forEach(x -> nodes.put(x.requestId(), x.nodeId()));
        p.unplaced().forEach(u -> why.put(u.requestId(), "unschedulable: " + (heldBy.containsKey(u.requestId())
                ? heldBy.get(u.requestId()) + ", which cannot take it now" : u.reason())));
    }

    private static NodeCapacity labelled(NodeCapacity n) {
        Map<String, String> labels = new HashMap<>(n.labels());
        labels.put(AGENT_LABEL, n.id());
        return new NodeCapacity(n.id(), n.status(), n.role(), n.cpuCores(), n.memoryMb(), n.cpuUsedMillis(), n.memoryUsedMb(), n.gpuCount(),
                n.gpuUsed(), n.gpuModel(), n.gpuVramMb(), labels, n.groupReplicas());
    }

    /** The local volumes work mounts, as {@code <app>/<volume>}. */
    static List<String> volumeKeys(Work w) {
        return RunDetails.localVolumes(w.details()).stream().map(v -> w.appName() + "/" + v).toList();
    }

    static Command.NewAssignment newAssignment(Work w, String agentId, String reason) {
        return new Command.NewAssignment(w.id(), agentId, w.image(), w.command(), w.cpuLimit(), w.memoryLimitMb(), w.appName(),
                w.workloadKind(), w.workloadName(), w.releaseId(), w.replaces(), reason,
                AgentRegistration.labelsCsv(w.requiredLabels()), w.details());
    }

    private static PlacementRequest request(Work w) {
        return PlacementRequest.replica(w.id(), w.group()).withResources(w.cpuLimit(), w.memoryLimitMb()).withLabels(w.requiredLabels());
    }

    /** Each agent with what its live work (less what this pass removes) already takes, and its replicas per group. */
    static List<NodeCapacity> capacities(List<AgentView> agents, List<Work> work, Set<String> gone) {
        Map<String, long[]> used = new HashMap<>();
        Map<String, Map<String, Integer>> groups = new HashMap<>();
        for (Work w : work) {
            if (!w.placed() || !w.live() || gone.contains(w.id())) continue;
            long[] u = used.computeIfAbsent(w.agentId(), k -> new long[2]);
            u[0] += w.cpuLimit();
            u[1] += w.memoryLimitMb();
            groups.computeIfAbsent(w.agentId(), k -> new HashMap<>()).merge(w.group(), 1, Integer::sum);
        }
        List<NodeCapacity> out = new ArrayList<>();
        for (AgentView a : agents) {
            long[] u = used.getOrDefault(a.id(), new long[2]);
            out.add(new NodeCapacity(a.id(), a.status(), a.role(), a.cpuCores(), a.memoryMb(), u[0], u[1], 0, 0, null, 0,
                    a.labels(), groups.getOrDefault(a.id(), Map.of())));
        }
        return out;
    }
}
