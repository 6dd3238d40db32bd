package dev.yoq.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.cluster.work.ReplicaSample;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentSamplesTest {
    @Test
    void an_agents_heartbeat_replaces_only_its_own_samples_and_a_silent_agents_go() {
        AgentSamples samples = new AgentSamples();
        samples.put("ag1", Map.of("w1", new ReplicaSample("ag1", 1.0, 10, 1, 0, 1_000)), 1_000);
        samples.put("ag2", Map.of("w1", new ReplicaSample("ag2", 99.0, 1, 1, 0, 2_000), "w2", new ReplicaSample("ag2", 2.0, 20, 1, 0, 2_000)), 2_000);
        assertThat(samples.all()).containsKeys("w1", "w2");
        samples.put("ag1", Map.of("w1", new ReplicaSample("ag1", 3.0, 30, 5, 0, 3_000)), 3_000);
        assertThat(samples.all().get("w2").memoryBytes()).as("ag2's stay").isEqualTo(20);
        samples.put("ag1", Map.of(), 2_000 + ReplicaSample.FRESH_MS + 1);
        assertThat(samples.all()).as("ag2 silent past the freshness, ag1 sent none").isEmpty();
    }
}
