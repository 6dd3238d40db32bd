package dev.yoq.cluster.schedule;

import java.util.Map;

/**
 * One unit of work to place. {@code group} names the replicas that should spread over nodes (app/service);
 * {@code gang} names requests that are placed all together or not at all (a training job's ranks; null: alone).
 * Spec defaults: 1000 millicores and 256 MB.
 */
public record PlacementRequest(String id, String group, long cpuMillis, long memoryMb, int gpus, String gpuModel,
                               long minGpuVramMb, Map<String, String> requiredLabels, String gang) {
    public static final long DEFAULT_CPU_MILLIS = 1000;
    public static final long DEFAULT_MEMORY_MB = 256;

    public PlacementRequest {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("placement request needs an id");
        if (cpuMillis <= 0) cpuMillis = DEFAULT_CPU_MILLIS;
        if (memoryMb <= 0) memoryMb = DEFAULT_MEMORY_MB;
        if (gpus < 0) throw new IllegalArgumentException("request " + id + ": gpus must not be negative");
        requiredLabels = requiredLabels == null ? Map.of() : Map.copyOf(requiredLabels);
    }

    /** A replica of {@code group} with the spec's default CPU and memory. */
    public static PlacementRequest replica(String id, String group) {
        return new PlacementRequest(id, group, 0, 0, 0, null, 0, Map.of(), null);
    }

    public PlacementRequest withResources(long cpu, long mem) {
        return new PlacementRequest(id, group, cpu, mem, gpus, gpuModel, minGpuVramMb, requiredLabels, gang);
    }

    public PlacementRequest withLabels(Map<String, String> labels) {
        return new PlacementRequest(id, group, cpuMillis, memoryMb, gpus, gpuModel, minGpuVramMb, labels, gang);
    }

    public PlacementRequest withGpus(int count, String model, long minVramMb) {
        return new PlacementRequest(id, group, cpuMillis, memoryMb, count, model, minVramMb, requiredLabels, gang);
    }

    public PlacementRequest inGang(String gangName) {
        return new PlacementRequest(id, group, cpuMillis, memoryMb, gpus, gpuModel, minGpuVramMb, requiredLabels, gangName);
    }
}
