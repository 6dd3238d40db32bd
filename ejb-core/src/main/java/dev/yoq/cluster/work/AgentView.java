package dev.yoq.cluster.work;

import dev.yoq.cluster.schedule.NodeRole;
import dev.yoq.cluster.schedule.NodeStatus;
import java.util.Map;

/**
 * One agent as the planner reads it: status, role, capacity, labels, and when it last heartbeat ({@code
 * Long.MAX_VALUE}: not known, taken as just now).
 */
public record AgentView(String id, NodeStatus status, NodeRole role, int cpuCores, long memoryMb, Map<String, String> labels,
                        long lastHeartbeatMs) {
    public AgentView {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public AgentView(String id, NodeStatus status, NodeRole role, int cpuCores, long memoryMb, Map<String, String> labels) {
        this(id, status, role, cpuCores, memoryMb, labels, Long.MAX_VALUE);
    }

    /** Silent for longer than the offline rule allows (a draining agent is never marked offline: it keeps its status). */
    public boolean silentAt(long nowMs) {
        return lastHeartbeatMs != Long.MAX_VALUE && nowMs - lastHeartbeatMs > dev.yoq.cluster.agent.Liveness.OFFLINE_AFTER_MS;
    }
}
