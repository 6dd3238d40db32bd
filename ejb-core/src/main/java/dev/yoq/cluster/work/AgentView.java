package dev.yoq.cluster.work;

import dev.yoq.cluster.schedule.NodeRole;
import dev.yoq.cluster.schedule.NodeStatus;
import java.util.Map;

/** One agent as the planner reads it: status, role, capacity and labels. */
public record AgentView(String id, NodeStatus status, NodeRole role, int cpuCores, long memoryMb, Map<String, String> labels) {
    public AgentView {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
