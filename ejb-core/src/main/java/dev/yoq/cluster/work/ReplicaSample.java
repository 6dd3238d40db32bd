package dev.yoq.cluster.work;

/**
 * What an agent measured of one replica's container with its last heartbeat: CPU share (percent of one core; null
 * before a second reading), memory in use, time running and restarts, and when the server took it. Kept in the
 * memory of the server the agent heartbeats to (the leader), not replicated: it is a gauge, stale in seconds.
 */
public record ReplicaSample(String agentId, Double cpuPct, long memoryBytes, long uptimeSecs, int restarts, long atMs) {
    /** A sample older than this says nothing of now (an agent heartbeats every 5 s). */
    public static final long FRESH_MS = 30_000;

    public boolean freshAt(long nowMs) {
        return nowMs - atMs <= FRESH_MS;
    }
}
