package dev.yoq.cluster.work;

import java.util.Map;

/**
 * One assignment as the planner reads it. {@code agentId} is {@code ""} while unplaced; {@code replaces} names the
 * assignment this one takes over (a drained agent's, or a replica that failed after its release completed; null
 * for a release's own replicas). {@code requiredLabels} are the node labels it needs; {@code details} its run
 * details' JSON, opaque here and carried to a replacement as it is; {@code createdAt} when it was recorded (0:
 * unknown).
 */
public record Work(String id, String agentId, String status, String reason, String image, String command, long cpuLimit,
                   long memoryLimitMb, String appName, String workloadKind, String workloadName, String releaseId,
                   String replaces, Map<String, String> requiredLabels, String details, long createdAt) {

    public Work {
        requiredLabels = requiredLabels == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(requiredLabels));
        details = details == null ? "{}" : details;
    }

    public Work(String id, String agentId, String status, String reason, String image, String command, long cpuLimit,
                long memoryLimitMb, String appName, String workloadKind, String workloadName, String releaseId, String replaces,
                Map<String, String> requiredLabels, String details) {
        this(id, agentId, status, reason, image, command, cpuLimit, memoryLimitMb, appName, workloadKind, workloadName, releaseId,
                replaces, requiredLabels, details, 0);
    }

    /** Work with no label requirement and no run details. */
    public Work(String id, String agentId, String status, String reason, String image, String command, long cpuLimit,
                long memoryLimitMb, String appName, String workloadKind, String workloadName, String releaseId, String replaces) {
        this(id, agentId, status, reason, image, command, cpuLimit, memoryLimitMb, appName, workloadKind, workloadName, releaseId,
                replaces, Map.of(), "{}");
    }

    /** A new unplaced copy of this work, under {@code newId}, that takes over from it. */
    public Work replacement(String newId) {
        return new Work(newId, "", "pending", null, image, command, cpuLimit, memoryLimitMb, appName, workloadKind, workloadName,
                releaseId, id, requiredLabels, details);
    }

    public boolean placed() {
        return !agentId.isEmpty();
    }

    /** Pending or running: it holds its agent's resources and should be running there. */
    public boolean live() {
        return "pending".equals(status) || "running".equals(status);
    }

    /** Failed or stopped: it will not run again where it is. */
    public boolean ended() {
        return "failed".equals(status) || "stopped".equals(status);
    }

    /** A service's replica (rows from before workers ran on agents have no kind: they were all replicas). */
    public boolean service() {
        return workloadKind == null || "service".equals(workloadKind);
    }

    /** A one-shot run of a worker or a cron: never moved, repaired or restarted; it ends with its exit. */
    public boolean oneShot() {
        return oneShot(workloadKind);
    }

    /** Whether work of this kind is a one-shot run (the agent starts it without restarts and keeps it once ended). */
    public static boolean oneShot(String workloadKind) {
        return "worker".equals(workloadKind) || "cron".equals(workloadKind);
    }

    /**
     * The replicas that should spread over nodes: one release's replicas of an app's service (a rollout's new
     * replicas spread among themselves, wherever the old ones it replaces run), or one worker's or cron's runs.
     */
    public String group() {
        return appName + "/" + workloadName + (oneShot() || releaseId == null ? "" : "@" + releaseId);
    }
}
