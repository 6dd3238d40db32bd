package dev.yoq.cluster.work;

/**
 * One assignment as the planner reads it. {@code agentId} is {@code ""} while unplaced; {@code replaces} names the
 * drained agent's assignment this one takes over (null for a release's own replicas).
 */
public record Work(String id, String agentId, String status, String reason, String image, String command, long cpuLimit,
                   long memoryLimitMb, String appName, String workloadKind, String workloadName, String releaseId,
                   String replaces) {

    public boolean placed() {
        return !agentId.isEmpty();
    }

    /** Pending or running: it holds its agent's resources and should be running there. */
    public boolean live() {
        return "pending".equals(status) || "running".equals(status);
    }

    /** The replicas that should spread over nodes: one app's workload. */
    public String group() {
        return appName + "/" + workloadName;
    }
}
