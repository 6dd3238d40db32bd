package dev.yoq.cluster.schedule;

import java.util.Map;

/**
 * What the scheduler knows of one node: its capacity, what its placed work already uses, its labels, and how
 * many replicas of each group (an app's service) it already runs. CPU is in millicores, memory in MB.
 */
public record NodeCapacity(String id, NodeStatus status, NodeRole role, int cpuCores, long memoryMb,
                           long cpuUsedMillis, long memoryUsedMb, int gpuCount, int gpuUsed, String gpuModel,
                           long gpuVramMb, Map<String, String> labels, Map<String, Integer> groupReplicas) {

    public NodeCapacity {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        groupReplicas = groupReplicas == null ? Map.of() : Map.copyOf(groupReplicas);
    }

    /** A node with nothing placed, no GPUs and no labels (tests, simulations). */
    public static NodeCapacity empty(String id, int cpuCores, long memoryMb) {
        return new NodeCapacity(id, NodeStatus.ACTIVE, NodeRole.BOTH, cpuCores, memoryMb, 0, 0, 0, 0, null, 0,
                Map.of(), Map.of());
    }

    public NodeCapacity withLabels(Map<String, String> newLabels) {
        return new NodeCapacity(id, status, role, cpuCores, memoryMb, cpuUsedMillis, memoryUsedMb, gpuCount, gpuUsed,
                gpuModel, gpuVramMb, newLabels, groupReplicas);
    }

    public NodeCapacity withStatus(NodeStatus newStatus) {
        return new NodeCapacity(id, newStatus, role, cpuCores, memoryMb, cpuUsedMillis, memoryUsedMb, gpuCount, gpuUsed,
                gpuModel, gpuVramMb, labels, groupReplicas);
    }

    public NodeCapacity withRole(NodeRole newRole) {
        return new NodeCapacity(id, status, newRole, cpuCores, memoryMb, cpuUsedMillis, memoryUsedMb, gpuCount, gpuUsed,
                gpuModel, gpuVramMb, labels, groupReplicas);
    }

    public NodeCapacity withGpus(int count, int used, String model, long vramMb) {
        return new NodeCapacity(id, status, role, cpuCores, memoryMb, cpuUsedMillis, memoryUsedMb, count, used, model,
                vramMb, labels, groupReplicas);
    }

    public NodeCapacity withUsage(long cpuMillis, long memMb, Map<String, Integer> replicas) {
        return new NodeCapacity(id, status, role, cpuCores, memoryMb, cpuMillis, memMb, gpuCount, gpuUsed, gpuModel,
                gpuVramMb, labels, replicas);
    }
}
