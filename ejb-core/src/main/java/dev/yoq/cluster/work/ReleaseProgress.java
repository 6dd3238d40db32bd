package dev.yoq.cluster.work;

import java.util.List;
import java.util.Map;

/**
 * Where a release whose replicas run on agents stands (a readiness-gated cutover): complete when every replica of
 * it runs, failed as soon as one failed or when they are not all running within the timeout, else still waiting.
 * On complete the app's older assignments are removed; on failure this release's are, and the older ones keep
 * serving (spec §7.2 row 29: a failed cutover keeps the prior assignments).
 */
public final class ReleaseProgress {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private ReleaseProgress() {}

    public enum Outcome { WAIT, COMPLETE, FAIL }

    public record Verdict(Outcome outcome, String message, int running, int failed) {}

    public static Verdict decide(List<Work> replicas, long startedAtMs, long nowMs, long timeoutMs) {
        return decide(replicas, startedAtMs, nowMs, timeoutMs, "active");
    }

    /** The operator's word on the rollout (spec: rollout_control_state {@code active}, {@code paused}, {@code cancel_requested}). */
    public static final String CANCELED_BY_OPERATOR = "canceled_by_operator";

    /**
     * As above, with the operator's control: {@code cancel_requested} fails the release at once (its replicas go, the
     * previous release keeps serving); {@code paused} holds it before its cutover, however many replicas run, and
     * the caller leaves paused time out of {@code startedAtMs}'s timeout. A replica that failed fails it either way.
     */
    public static Verdict decide(List<Work> replicas, long startedAtMs, long nowMs, long timeoutMs, String control) {
        int running = (int) replicas.stream().filter(w -> "running".equals(w.status())).count();
        if ("cancel_requested".equals(control)) {
            return new Verdict(Outcome.FAIL, "rollout canceled by operator; the previous release keeps serving", running,
                    replicas.size() - running);
        }
        // paused: no timeout runs, and no cutover; a replica that failed still fails the release
        Verdict v = byReplicas(replicas, startedAtMs, "paused".equals(control) ? startedAtMs : nowMs, timeoutMs);
        if ("paused".equals(control) && v.outcome() != Outcome.FAIL) {
            return new Verdict(Outcome.WAIT, "rollout paused by operator (" + running + " of " + replicas.size() + " replicas running)", running, 0);
        }
        return v;
    }

    private static Verdict byReplicas(List<Work> replicas, long startedAtMs, long nowMs, long timeoutMs) {
        int running = 0, failed = 0;
        Work firstFailed = null;
        for (Work w : replicas) {
            if ("running".equals(w.status())) running++;
            else if ("failed".equals(w.status()) || "stopped".equals(w.status())) {
                failed++;
                if (firstFailed == null) firstFailed = w;
            }
        }
        int total = replicas.size();
        if (firstFailed != null) {
            return new Verdict(Outcome.FAIL, "replica " + firstFailed.id() + " of " + firstFailed.workloadName() + " on agent "
                    + firstFailed.agentId() + " " + firstFailed.status() + (firstFailed.reason() == null ? "" : ": " + firstFailed.reason())
                    + "; the previous release keeps serving", running, failed);
        }
        if (total > 0 && running == total) return new Verdict(Outcome.COMPLETE, "all " + total + " replicas running on agents", running, 0);
        if (nowMs - startedAtMs > timeoutMs) {
            String waiting = replicas.stream().filter(w -> !"running".equals(w.status())).findFirst()
                    .map(w -> "; e.g. " + w.id() + (w.placed() ? " on agent " + w.agentId() : " unplaced")
                            + (w.reason() == null ? "" : " (" + w.reason() + ")")).orElse("");
            return new Verdict(Outcome.FAIL, "readiness_timeout: " + running + " of " + total + " replicas running after "
                    + timeoutMs / 1000 + " s" + waiting + "; the previous release keeps serving", running, total - running);
        }
        return new Verdict(Outcome.WAIT, running + " of " + total + " replicas running", running, 0);
    }

    /** One target per service (spec §2.4 shape): ready when all its replicas run, failed when one failed. */
    public static String targets(List<Work> replicas) {
        return targets(replicas, false);
    }

    /** {@code canceled}: every service's target failed with reason {@code canceled_by_operator} (none was cut over). */
    public static String targets(List<Work> replicas, boolean canceled) {
        Map<String, String> state = new java.util.LinkedHashMap<>();
        for (Work w : replicas) {
            String now = "running".equals(w.status()) ? "ready" : "failed".equals(w.status()) || "stopped".equals(w.status()) ? "failed" : "starting";
            state.merge(w.workloadName(), now, (a, b) -> a.equals("failed") || b.equals("failed") ? "failed"
                    : a.equals("starting") || b.equals("starting") ? "starting" : "ready");
        }
        var a = JSON.createArrayNode();
        state.forEach((name, s) -> {
            var t = a.addObject().put("workload_kind", "service").put("workload_name", name).put("state", canceled ? "failed" : s);
            if (canceled) t.put("reason", CANCELED_BY_OPERATOR);
        });
        return a.toString();
    }

}
