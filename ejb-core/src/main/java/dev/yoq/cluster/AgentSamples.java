package dev.yoq.cluster;

import dev.yoq.cluster.work.ReplicaSample;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicas' samples agents sent with their heartbeats (by assignment id), for the status rows of apps on agents.
 * An agent's heartbeat replaces all its samples; only a sample from the agent the assignment is on counts (a
 * hostile agent cannot speak for another's replicas), and only a fresh one.
 */
@ApplicationScoped
public class AgentSamples {
    /** At most this many replicas per heartbeat are kept: far above what one agent runs. */
    public static final int MAX_PER_AGENT = 1024;

    private final Map<String, ReplicaSample> byAssignment = new ConcurrentHashMap<>();

    public void put(String agentId, Map<String, ReplicaSample> samples) {
        byAssignment.values().removeIf(s -> s.agentId().equals(agentId));
        samples.entrySet().stream().limit(MAX_PER_AGENT).forEach(e -> byAssignment.put(e.getKey(), e.getValue()));
    }

    public Map<String, ReplicaSample> all() {
        return Map.copyOf(byAssignment);
    }
}
