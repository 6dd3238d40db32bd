package dev.yoq.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.manifest.AppSnapshot;
import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.ManifestLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a release changes: unchanged running services stay, the rest are batched in dependency order. */
class AppPlannerTest {
    static Manifest manifest(String toml) {
        return ManifestLoader.parse(toml, "manifest.toml", "shop", k -> null).manifest();
    }

    static final String TOML = """
            [service.db]
            image = "postgres"
            [service.api]
            image = "api"
            depends_on = ["db"]
            [service.api.rollout]
            strategy = "canary"
            parallelism = 2
            [service.web]
            image = "web"
            depends_on = ["api"]
            [service.extra]
            image = "x"
            [worker.migrate]
            image = "api"
            """;

    @Test
    void a_first_release_starts_everything_batched_in_start_order() {
        Manifest m = manifest(TOML);
        Map<String, String> hashes = WorkloadHashes.of(AppSnapshot.json(m));
        RolloutProgress p = AppPlanner.start(m, hashes, Map.of());
        assertThat(p.targets()).extracting(Target::name).containsExactly("db", "api", "web", "extra");
        assertThat(p.targets()).allMatch(t -> t.state().equals(Target.PENDING));
        // merged policy: canary (api's) with the smallest parallelism (1, the others' default)
        assertThat(p.batches()).containsExactly(List.of("db"), List.of("api"), List.of("web"), List.of("extra"));
    }

    @Test
    void a_running_service_with_the_same_config_is_ready_from_the_start_and_not_batched() {
        Manifest m = manifest(TOML);
        Map<String, String> hashes = WorkloadHashes.of(AppSnapshot.json(m));
        Map<String, AppPlanner.Running> now = Map.of("db", new AppPlanner.Running(hashes.get("service:db"), true),
                "web", new AppPlanner.Running("sha256:old", true), "extra", new AppPlanner.Running(hashes.get("service:extra"), false));
        RolloutProgress p = AppPlanner.start(m, hashes, now);
        assertThat(p.target("db").state()).isEqualTo(Target.READY);
        assertThat(p.batches()).as("db unchanged; extra stopped, api new, web changed: rolled")
                .containsExactly(List.of("api"), List.of("web"), List.of("extra"));
        assertThat(p.completed()).isEqualTo(1);
    }

    @Test
    void the_dry_run_lists_create_update_delete_and_unchanged() {
        Map<String, String> current = Map.of("service:db", "h1", "service:old", "h2", "worker:migrate", "h3");
        Map<String, String> proposed = new java.util.LinkedHashMap<>();
        proposed.put("service:db", "h1");
        proposed.put("service:api", "h4");
        proposed.put("worker:migrate", "h5");
        assertThat(AppPlanner.changes(proposed, current)).containsExactly(
                new AppPlanner.Change("service", "db", "unchanged"), new AppPlanner.Change("service", "api", "create"),
                new AppPlanner.Change("worker", "migrate", "update"), new AppPlanner.Change("service", "old", "delete"));
    }

    @Test
    void a_checkpoint_reads_back_as_the_same_progress() {
        Manifest m = manifest(TOML);
        RolloutProgress p = AppPlanner.start(m, WorkloadHashes.of(AppSnapshot.json(m)), Map.of());
        p.set("db", Target.READY, null);
        p.replaced("db", "rel1");
        p.replaced("api", null);
        p.batchDone();
        p.set("api", Target.FAILED, "readiness_timeout");
        String checkpoint = ProgressJson.checkpoint(p, 4, "active");
        RolloutProgress back = ProgressJson.read(ProgressJson.targets(p), checkpoint);
        assertThat(back.targets()).isEqualTo(p.targets());
        assertThat(back.batches()).isEqualTo(p.batches());
        assertThat(back.nextBatch()).isEqualTo(1);
        assertThat(back.replacedFrom()).containsEntry("db", "rel1").containsEntry("api", null);
        assertThat(checkpoint).contains("\"engine\":\"local\"", "\"batch_start\":1", "\"batch_end\":2", "\"total_targets\":4",
                "\"completed_targets\":1", "\"failed_targets\":1", "\"remaining_targets\":2", "\"control_state\":\"active\"");
        assertThat(ProgressJson.failures(p)).isEqualTo("[{\"workload_kind\":\"service\",\"workload_name\":\"api\",\"reason\":\"readiness_timeout\"}]");
    }

    @Test
    void the_final_status_follows_the_targets() {
        RolloutProgress p = new RolloutProgress(List.of(Target.pending("a"), Target.pending("b")), List.of(List.of("a", "b")), 0, Map.of(), "x");
        p.set("a", Target.READY, null);
        p.set("b", Target.READY, null);
        assertThat(p.finalStatus()).isEqualTo("completed");
        p.set("b", Target.FAILED, "process_failed");
        assertThat(p.finalStatus()).isEqualTo("partially_failed");
        p.set("a", Target.ROLLED_BACK, "rollback_reverted");
        assertThat(p.finalStatus()).isEqualTo("failed");
        p.set("b", Target.STARTING, null);
        p.endRemaining(Target.FAILED, "canceled_by_operator");
        assertThat(p.target("b").reason()).isEqualTo("canceled_by_operator");
    }
}
