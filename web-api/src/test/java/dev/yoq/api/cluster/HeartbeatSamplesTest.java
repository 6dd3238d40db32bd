package dev.yoq.api.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.cluster.work.ReplicaSample;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The replicas' samples in an agent's heartbeat: taken for that agent, bounded, malformed entries skipped. */
class HeartbeatSamplesTest {
    static JsonObject body(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }

    @Test
    void each_replica_sample_is_kept_for_the_sending_agent_with_its_numbers_clamped() {
        Map<String, ReplicaSample> s = AgentsResource.replicaSamples("ag1", body("{\"replicas\":["
                + "{\"id\":\"0123456789ab\",\"cpu_pct\":12.5,\"memory_bytes\":1048576,\"uptime_secs\":60,\"restart_count\":2},"
                + "{\"id\":\"ffffffffffff\",\"cpu_pct\":1e12,\"memory_bytes\":-5},"
                + "{\"id\":\"../etc\"}, 7, {\"cpu_pct\":1}]}"), 5_000);
        assertThat(s).containsOnlyKeys("0123456789ab", "ffffffffffff");
        assertThat(s.get("0123456789ab")).isEqualTo(new ReplicaSample("ag1", 12.5, 1_048_576, 60, 2, 5_000));
        assertThat(s.get("ffffffffffff")).isEqualTo(new ReplicaSample("ag1", 100_000.0, 0, 0, 0, 5_000));
        assertThat(AgentsResource.replicaSamples("ag1", body("{\"cpu_cores\":2}"), 1)).isEmpty();
    }
}
