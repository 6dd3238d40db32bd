package dev.yoq.cluster;

import dev.yoq.cluster.work.ReplicaSample;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicas' samples agents sent with their heartbeats, per agent (then by assignment id), for the status rows
 * of apps on agents. Only a registered agent's heartbeat is kept (the caller checks), and it replaces that agent's
 * samples, so no agent can blank another's; an agent silent past {@link ReplicaSample#FRESH_MS} is dropped.
 */
@ApplicationScoped
public class AgentSamples {
    /** At most this many replicas per heartbeat are kept: far above what one agent runs. */
    public static final int MAX_PER_AGENT = 1024;

    private final Map<String, Map<String, ReplicaSample>> byAgent = new ConcurrentHashMap<>();

    public void put(String agentId, Map<String, ReplicaSample> samples, long nowMs) {
        Map<String, ReplicaSample> kept = new HashMap<>();
        samples.entrySet().stream().limit(MAX_PER_AGENT).forEach(e -> kept.put(e.getKey(), e.getValue()));
        byAgent.put(agentId, Map.copyOf(kept));
        byAgent.values().removeIf(m -> m.values().stream().noneMatch(s -> s.freshAt(nowMs)));   // silent agents go
    }

    /** The samples of every agent's replicas, by assignment id (the rows check each is from that replica's agent). */
    public Map<String, ReplicaSample> all() {
        Map<String, ReplicaSample> out = new HashMap<>();
        byAgent.values().forEach(out::putAll);
        return out;
    }
}
