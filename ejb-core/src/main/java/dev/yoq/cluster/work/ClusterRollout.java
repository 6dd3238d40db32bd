package dev.yoq.cluster.work;

import dev.yoq.app.ReplicaPlan;
import dev.yoq.manifest.Manifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One poll of a release's rollout on agents, as a pure function of the app's replicas (spec §3.7, the release's
 * merged policy). Each service goes by the single node's {@link ReplicaPlan}, with assignments for containers and
 * the release id for the config:
 * <ul>
 * <li>rolling: up to the service's {@code parallelism} new replicas are placed; once they run (an agent reports {@code running}
 * only after the health check passed) as many old ones are removed, whose agents drain them before they stop; then
 * {@code delay_between_batches}, then the next batch. A service never serves with fewer than its desired replicas;</li>
 * <li>canary: the same, but after the first new replica (a batch of one) runs beside the old ones the rollout holds for its health
 * window before the first old one goes;</li>
 * <li>blue_green: every new replica is placed at once; when all of every service run, the release completes and the
 * caller removes every older replica in one step.</li>
 * </ul>
 * The services of a release roll side by side. A new replica that failed fails the release ({@code failure_action
 * = "rollback"}: the caller removes the release's replicas and places the previous release's again) or pauses it
 * ({@code "pause"}). The readiness timeout counts from the last step taken, not paused time nor a batch delay or
 * canary window, so a long rollout of many batches does not time out for its length.
 */
public final class ClusterRollout {
    private ClusterRollout() {}

    public enum Outcome { WAIT, COMPLETE, FAIL, PAUSE }

    /**
     * What the leader keeps between polls: when the rollout last took a step (its timeout counts from there), when it
     * was last polled (paused time is added to the former), and per service when its last batch ended and when its
     * canary hold began, and how many older replicas of each service it removed (what a failure gives back). A new
     * leader starts it afresh: its timeout and holds count from the takeover; the removed counts it reads back from
     * the release's recorded targets.
     */
    public record Pace(long progressAt, long polledAt, Map<String, Long> batchEndedAt, Map<String, Long> canarySince,
                       Map<String, Integer> retired) {
        public Pace {
            batchEndedAt = Map.copyOf(batchEndedAt);
            canarySince = Map.copyOf(canarySince);
            retired = Map.copyOf(retired);
        }

        public static Pace startingAt(long nowMs) {
            return startingAt(nowMs, Map.of());
        }

        /** A rollout taken up (by a new leader, after a resume) that had already removed {@code retired} older replicas. */
        public static Pace startingAt(long nowMs, Map<String, Integer> retired) {
            return new Pace(nowMs, nowMs, Map.of(), Map.of(), retired);
        }

        /** This pace, counting at least {@code recorded} removed replicas per service (what the release's targets say). */
        public Pace retiredAtLeast(Map<String, Integer> recorded) {
            Map<String, Integer> merged = new HashMap<>(retired);
            recorded.forEach((s, n) -> merged.merge(s, n, Math::max));
            return merged.equals(retired) ? this : new Pace(progressAt, polledAt, batchEndedAt, canarySince, merged);
        }
    }

    /**
     * A poll's decision: how many new replicas to place per service, which old replicas to remove, where the
     * release stands (with the message to record), the pace to keep, the targets' JSON, and the new replicas running
     * and failed; {@code failedId} names the replica that failed or paused the release.
     */
    public record Step(Outcome outcome, String message, Map<String, Integer> place, List<String> remove, Pace pace, String targets,
                       int running, int failed, String failedId) {}

    /**
     * A service of the release: its replica count, its own {@code parallelism} (as on a single node), and its canary
     * window (its health check's interval × retries, or the batch delay if longer).
     */
    public record Service(int replicas, long parallelism, long holdMs) {}

    /**
     * @param policy    the release's merged policy: strategy, delay, failure action
     * @param services  each service of the release, in manifest order
     * @param all       the app's service replicas (assignments) of every release
     * @param control   the operator's word: {@code active}, {@code paused} or {@code cancel_requested}
     */
    public static Step next(Manifest.Rollout policy, Map<String, Service> services, String releaseId, List<Work> all, Pace pace,
                            long nowMs, long timeoutMs, String control) {
        Map<String, Integer> desired = new LinkedHashMap<>();
        services.forEach((name, s) -> desired.put(name, s.replicas()));
        List<Work> replicas = folded(all);
        List<Work> fresh = replicas.stream().filter(w -> releaseId.equals(w.releaseId())).toList();
        int running = (int) fresh.stream().filter(w -> "running".equals(w.status())).count();
        int total = desired.values().stream().mapToInt(Integer::intValue).sum();
        boolean paused = "paused".equals(control);
        long progressAt = pace.progressAt() + (paused ? Math.max(0, nowMs - pace.polledAt()) : 0);   // paused time does not count
        if ("cancel_requested".equals(control)) {
            return end(Outcome.FAIL, "rollout canceled by operator; the previous release keeps serving", desired, Map.of(), pace,
                    running, fresh.size() - running, null, true);
        }
        Map<String, ReplicaPlan.Step> steps = new LinkedHashMap<>();
        services.forEach((name, s) -> {
            boolean held = held(pace, name, s.holdMs(), nowMs);
            // a canary's first batch is one replica; the batches after its hold are the service's parallelism
            int batch = "canary".equals(policy.strategy()) && !held ? 1 : (int) Math.min(64, Math.max(1, s.parallelism()));
            steps.put(name, ReplicaPlan.next(asReplicas(replicas, name, releaseId), s.replicas(), releaseId, policy.strategy(), batch, held,
                    ids(fresh)));
        });
        for (ReplicaPlan.Step s : steps.values()) {
            if (s instanceof ReplicaPlan.Failed f) {
                Work w = fresh.stream().filter(x -> x.id().equals(f.containerId())).findFirst().orElseThrow();
                String what = "replica " + w.id() + " of " + w.workloadName() + " on agent " + w.agentId() + " " + w.status()
                        + (w.reason() == null ? "" : ": " + w.reason());
                boolean pause = "pause".equals(policy.failureAction());
                return end(pause ? Outcome.PAUSE : Outcome.FAIL, pause ? "rollout paused: " + what + "; resume starts another, cancel "
                        + "keeps the previous release" : what + "; the previous release keeps serving", desired, steps, pace, running, 1, w.id(), false);
            }
        }
        Pace polled = new Pace(progressAt, nowMs, pace.batchEndedAt(), pace.canarySince(), pace.retired());
        if (paused) {
            return new Step(Outcome.WAIT, "rollout paused by operator (" + running + " of " + total + " replicas running)", Map.of(), List.of(),
                    polled, targets(desired.keySet(), steps, false, polled.retired()), running, 0, null);
        }
        if (steps.values().stream().allMatch(s -> s instanceof ReplicaPlan.Done || s instanceof ReplicaPlan.Switch)) {
            return new Step(Outcome.COMPLETE, "all " + total + " replicas running on agents", Map.of(), List.of(), polled,
                    targets(desired.keySet(), steps, false, polled.retired()), running, 0, null);
        }
        Map<String, Integer> place = new LinkedHashMap<>();
        List<String> remove = new ArrayList<>();
        Map<String, Long> batchEnded = new HashMap<>(pace.batchEndedAt()), canary = new HashMap<>(pace.canarySince());
        Map<String, Integer> retired = new HashMap<>(pace.retired());
        java.util.Set<String> freshIds = ids(fresh);
        boolean[] holding = {false};   // a batch delay or a canary's window: waits the policy asks for, not readiness
        steps.forEach((service, s) -> {
            if (s instanceof ReplicaPlan.Start start) {
                if (delayPassed(policy, batchEnded.get(service), nowMs)) place.put(service, start.indexes().size());
                else holding[0] = true;
            } else if (s instanceof ReplicaPlan.Retire retire) {
                remove.addAll(retire.containerIds());
                batchEnded.put(service, nowMs);
                int older = (int) retire.containerIds().stream().filter(id -> !freshIds.contains(id)).count();
                if (older > 0) retired.merge(service, older, Integer::sum);
            } else if (s instanceof ReplicaPlan.Hold) {
                canary.putIfAbsent(service, nowMs);
                holding[0] = true;
            }
        });
        boolean stepped = !place.isEmpty() || !remove.isEmpty();
        Pace next = new Pace(stepped || holding[0] ? nowMs : progressAt, nowMs, batchEnded, canary, retired);
        if (!stepped && !holding[0] && nowMs - progressAt > timeoutMs) {
            String waiting = fresh.stream().filter(w -> !"running".equals(w.status())).findFirst()
                    .map(w -> "; e.g. " + w.id() + (w.placed() ? " on agent " + w.agentId() : " unplaced")
                            + (w.reason() == null ? "" : " (" + w.reason() + ")")).orElse("");
            return end(Outcome.FAIL, "readiness_timeout: " + running + " of " + total + " replicas running, no step for "
                    + timeoutMs / 1000 + " s" + waiting + "; the previous release keeps serving", desired, steps, pace, running,
                    fresh.size() - running, null, false);
        }
        return new Step(Outcome.WAIT, running + " of " + total + " replicas running", place, remove, next,
                targets(desired.keySet(), steps, false, next.retired()),
                running, 0, null);
    }

    private static Step end(Outcome outcome, String message, Map<String, Integer> desired, Map<String, ReplicaPlan.Step> steps, Pace pace,
                            int running, int failed, String failedId, boolean canceled) {
        return new Step(outcome, message, Map.of(), List.of(), pace, targets(desired.keySet(), steps, canceled, pace.retired()), running,
                failed, failedId);
    }

    private static boolean held(Pace pace, String service, long holdMs, long nowMs) {
        Long since = pace.canarySince().get(service);
        return since != null && nowMs - since >= holdMs;
    }

    private static boolean delayPassed(Manifest.Rollout policy, Long batchEndedAt, long nowMs) {
        return batchEndedAt == null || nowMs - batchEndedAt >= policy.delayBetweenBatches() * 1000;
    }

    /**
     * The replicas with each replacement folded into the one it replaces while that one is still there (a drained
     * agent's, or a repair of one that ended): the pair is one replica to the rollout, so a replacement is never
     * counted twice nor retired as surplus; once its original is gone it is an ordinary replica.
     */
    static List<Work> folded(List<Work> replicas) {
        java.util.Set<String> present = ids(replicas);
        return replicas.stream().filter(w -> w.replaces() == null || !present.contains(w.replaces())).toList();
    }

    /**
     * One service's replicas as the single node's planner reads them: the release id stands for the config (every
     * release replaces every replica), the creation order for the index (the newest old replicas go first), an
     * assignment's {@code pending} for a container starting. Health is folded into the status: an agent reports a
     * replica running only once its check passed, and failed once it failed.
     */
    static List<ReplicaPlan.Replica> asReplicas(List<Work> replicas, String service, String releaseId) {
        List<ReplicaPlan.Replica> out = new ArrayList<>();
        Map<String, Integer> nextIndex = new HashMap<>();
        for (Work w : replicas) {
            if (!service.equals(w.workloadName())) continue;
            String release = w.releaseId() == null ? "" : w.releaseId();
            int index = nextIndex.merge(release.equals(releaseId) ? "new" : "old", 1, Integer::sum);
            String status = switch (w.status()) {
                case "running" -> "running";
                case "failed", "stopped" -> "failed";
                default -> "starting";
            };
            out.add(new ReplicaPlan.Replica(w.id(), index, release, status, null, "active"));
        }
        return out;
    }

    /**
     * One target per service (spec §2.4 shape): ready once its planner is done, failed when a replica failed; yoq's
     * {@code retired}: how many older replicas of it the rollout removed, recorded with the release so that whichever
     * leader ends it in failure gives them back.
     */
    static String targets(java.util.Collection<String> services, Map<String, ReplicaPlan.Step> steps, boolean canceled,
                          Map<String, Integer> retired) {
        var a = JSON.createArrayNode();
        services.forEach(name -> {
            ReplicaPlan.Step s = steps.get(name);
            String state = canceled || s instanceof ReplicaPlan.Failed ? "failed"
                    : s instanceof ReplicaPlan.Done || s instanceof ReplicaPlan.Switch ? "ready" : "starting";
            var t = a.addObject().put("workload_kind", "service").put("workload_name", name).put("state", state);
            if (canceled) t.put("reason", CANCELED_BY_OPERATOR);
            if (retired.getOrDefault(name, 0) > 0) t.put("retired", retired.get(name));
        });
        return a.toString();
    }

    /** The {@code retired} counts a release's recorded targets hold (none: an empty map). */
    public static Map<String, Integer> retiredOf(String targetsJson) {
        Map<String, Integer> out = new HashMap<>();
        if (targetsJson == null) return out;
        try {
            for (com.fasterxml.jackson.databind.JsonNode t : JSON.readTree(targetsJson)) {
                if (t.path("retired").asInt(0) > 0) out.put(t.path("workload_name").asText(), t.path("retired").asInt());
            }
        } catch (java.io.IOException unreadable) {   // recorded by targets() above
        }
        return out;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The reason a canceled release's targets carry (spec §7.2 row 29). */
    public static final String CANCELED_BY_OPERATOR = "canceled_by_operator";

    private static java.util.Set<String> ids(List<Work> ws) {
        java.util.Set<String> out = new java.util.HashSet<>();
        ws.forEach(w -> out.add(w.id()));
        return out;
    }
}
