package dev.yoq.cluster.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.ManifestLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Status rows of services on agents, and the run details a replica carries to its agent. */
class ClusterServiceRowsTest {
    static Work w(String id, String agent, String status, String release) {
        return new Work(id, agent, status, null, "reg/web:1", "", 100, 64, "shop", "service", "web", release, null);
    }

    @Test
    void a_row_counts_the_serving_releases_running_replicas_against_its_desired_count() {
        var serving = List.of(new ClusterServiceRows.Serving("shop", "r2", Map.of("web", 3), Map.of("web", true)));
        List<Map<String, Object>> rows = ClusterServiceRows.of(serving, List.of(w("a", "ag1", "running", "r2"), w("b", "ag2", "pending", "r2"),
                w("c", "ag1", "running", "r2"), w("old", "ag2", "running", "r1")));
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r).containsEntry("app", "shop").containsEntry("name", "web").containsEntry("running", 2).containsEntry("desired", 3)
                    .containsEntry("status", "degraded").containsEntry("health", "starting");
            assertThat((List<?>) r.get("replicas")).as("the older release's replica is not counted").hasSize(3);
        });

        List<Map<String, Object>> all = ClusterServiceRows.of(serving, List.of(w("a", "ag1", "running", "r2"), w("b", "ag2", "running", "r2"),
                w("c", "ag1", "running", "r2")));
        assertThat(all.get(0)).containsEntry("status", "running").containsEntry("health", "healthy").containsEntry("running", 3);

        List<Map<String, Object>> failed = ClusterServiceRows.of(List.of(new ClusterServiceRows.Serving("shop", "r2", Map.of("web", 1),
                Map.of())), List.of(w("a", "ag1", "failed", "r2")));
        assertThat(failed.get(0)).containsEntry("status", "failed").containsEntry("health", null).containsEntry("running", 0);
    }

    @Test
    void while_a_release_rolls_out_its_replicas_and_the_serving_ones_count_together_up_to_the_new_desired_count() {
        var rolling = List.of(new ClusterServiceRows.Serving("shop", "r1", "r2", Map.of("web", 3), Map.of()));
        List<Map<String, Object>> rows = ClusterServiceRows.of(rolling, List.of(w("a", "ag1", "running", "r1"), w("b", "ag2", "running", "r1"),
                w("c", "ag1", "running", "r1"), w("n", "ag2", "running", "r2"), w("x", "ag2", "running", "r0")));
        assertThat(rows.get(0)).containsEntry("running", 3).containsEntry("desired", 3).containsEntry("status", "running");
        assertThat((List<?>) rows.get(0).get("replicas")).as("old, new, but not another release's").hasSize(4);
    }

    @Test
    void a_row_adds_up_the_samples_agents_sent_for_their_own_running_replicas_while_fresh() {
        var serving = List.of(new ClusterServiceRows.Serving("shop", "r2", Map.of("web", 3), Map.of()));
        List<Work> work = List.of(w("a", "ag1", "running", "r2"), w("b", "ag2", "running", "r2"), w("c", "ag1", "pending", "r2"),
                w("d", "ag2", "running", "r2"));
        long now = 100_000;
        Map<String, ReplicaSample> samples = Map.of(
                "a", new ReplicaSample("ag1", 12.5, 10_000_000, 60, 1, now - 2_000),
                "b", new ReplicaSample("ag2", null, 5_000_000, 600, 0, now - 5_000),
                "c", new ReplicaSample("ag1", 50.0, 1, 1, 9, now),                      // not running: not counted
                "d", new ReplicaSample("ag1", 99.0, 1, 1, 9, now));                     // sent by another agent than d's
        Map<String, Object> row = ClusterServiceRows.of(serving, work, samples, now).get(0);
        assertThat(row).containsEntry("cpu_pct", 12.5).containsEntry("memory_bytes", 15_000_000L).containsEntry("uptime_secs", 605L)
                .containsEntry("restart_count", 1);
        Map<String, Object> stale = ClusterServiceRows.of(serving, work, samples, now + ReplicaSample.FRESH_MS + 5_001).get(0);
        assertThat(stale).containsEntry("cpu_pct", 0.0).containsEntry("memory_bytes", 0L).containsEntry("uptime_secs", 0L);
    }

    @Test
    void run_details_carry_env_capabilities_and_the_health_check_with_the_manifests_settings() throws Exception {
        Manifest m = ManifestLoader.parse("""
                app = "shop"
                [service.web]
                image = "reg/web:1"
                env = ["GREETING=hi"]
                cap_drop = ["NET_RAW"]
                [service.web.health_check]
                type = "http"
                path = "/health"
                port = 8080
                retries = 2
                """, "m.toml", "x", k -> null).manifest();
        String json = RunDetails.of(m.services().get(0), List.of());
        assertThat(RunDetails.healthCheck(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json)))
                .as("what the agent reads back").isEqualTo(m.services().get(0).healthCheck());
        assertThat(json).isEqualTo("{\"env\":[\"GREETING=hi\"],\"cap_drop\":[\"NET_RAW\"],\"health_check\":{\"kind\":\"http\",\"path\":\"/health\","
                + "\"port\":8080,\"interval\":10,\"timeout\":5,\"retries\":2,\"start_period\":0}}");
    }

    @Test
    void run_details_name_the_secrets_never_their_values_and_list_each_once() throws Exception {
        Manifest m = ManifestLoader.parse("""
                app = "shop"
                [service.web]
                image = "reg/web:1"
                secrets = ["db-pass", "tls.key"]
                env_secrets = ["DB_PASSWORD=db-pass", "API_KEY=api"]
                """, "m.toml", "x", k -> null).manifest();
        String json = RunDetails.of(m.services().get(0), List.of());
        assertThat(json).isEqualTo("{\"secrets\":[\"db-pass\",\"tls.key\"],\"env_secrets\":[\"DB_PASSWORD=db-pass\",\"API_KEY=api\"]}");
        assertThat(RunDetails.secrets(json)).containsExactly("db-pass", "tls.key", "api");
        assertThat(RunDetails.secrets("{\"env\":[\"A=b\"]}")).isEmpty();
        assertThat(RunDetails.secrets(null)).isEmpty();
    }

    @Test
    void run_details_carry_each_named_volume_with_its_declaration_and_name_the_local_ones() throws Exception {
        Manifest m = ManifestLoader.parse("""
                app = "shop"
                [service.db]
                image = "reg/db:1"
                volumes = ["data:/var/lib/db", "nas:/srv:ro"]
                [volume.nas]
                driver = "nfs"
                server = "10.0.0.9"
                path = "/export"
                """, "m.toml", "x", k -> null).manifest();
        String json = RunDetails.of(m.services().get(0), dev.yoq.app.AppWorkloads.declaredOrLocal(m));
        assertThat(json).isEqualTo("{\"volumes\":[{\"name\":\"data\",\"target\":\"/var/lib/db\",\"driver\":\"local\"},"
                + "{\"name\":\"nas\",\"target\":\"/srv\",\"driver\":\"nfs\",\"path\":\"/export\",\"server\":\"10.0.0.9\",\"read_only\":true}]}");
        assertThat(RunDetails.localVolumes(json)).containsExactly("data");
        assertThat(RunDetails.localVolumes("{}")).isEmpty();
    }
}
