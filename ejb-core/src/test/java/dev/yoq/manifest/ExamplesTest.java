package dev.yoq.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.yoq.manifest.Manifest.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The manifests in examples/ load cleanly and keep the shapes of the original's examples (spec §8). */
class ExamplesTest {

    static final Path EXAMPLES = Path.of("..", "examples");

    static ManifestLoader.Result load(String name, Map<String, String> env) {
        return ManifestLoader.load(EXAMPLES.resolve(name).resolve("manifest.toml"), name, env::get);
    }

    static Service service(Manifest m, String name) {
        return m.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    static Stream<String> examples() throws Exception {
        try (Stream<Path> dirs = Files.list(EXAMPLES)) {
            return dirs.filter(d -> Files.exists(d.resolve("manifest.toml"))).map(d -> d.getFileName().toString())
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleLoadsWithoutErrorsOrWarningsButThoseOfKeysNotBuiltYet(String name) {
        assertThat(load(name, Map.of()).warnings()).allSatisfy(w -> assertThat(w.kind()).isEqualTo(UnbuiltKeys.KIND));
    }

    @Test
    void redis() {
        Service redis = load("redis", Map.of()).manifest().services().get(0);
        assertThat(redis.restart()).isEqualTo("always");
        assertThat(redis.ports()).containsExactly(new Manifest.PortMapping(6379, 6379));
        assertThat(redis.healthCheck().kind()).isEqualTo("tcp");
    }

    @Test
    void webApp() {
        Manifest m = load("web-app", Map.of()).manifest();
        assertThat(m.services()).hasSize(4);
        assertThat(m.workers()).hasSize(1);
        assertThat(m.volumes()).hasSize(1);
        Service api = service(m, "api");
        assertThat(api.restart()).isEqualTo("on_failure");
        assertThat(api.dependsOn()).hasSize(2);
        assertThat(api.healthCheck().path()).isEqualTo("/health");
        assertThat(m.workers().get(0).dependsOn()).containsExactly("postgres");
        assertThat(ManifestRules.startOrder(m)).extracting(Service::name).containsExactly("postgres", "redis", "api", "web");
    }

    @Test
    void cron() {
        Manifest m = load("cron", Map.of()).manifest();
        assertThat(m.crons().get(0).every()).isEqualTo(3600);
        assertThat(m.volumes()).extracting(Manifest.VolumeDecl::name).containsExactly("pgdata", "backups");
    }

    @Test
    void httpRouting() {
        Manifest m = load("http-routing", Map.of()).manifest();
        assertThat(m.services()).hasSize(5);
        List<Manifest.HttpRoute> gateway = service(m, "gateway").httpRoutes();
        assertThat(gateway).hasSize(2);
        assertThat(gateway.get(0).host()).isEqualTo("demo.local");
        assertThat(gateway.get(1).pathPrefix()).isEqualTo("/admin");
        assertThat(gateway.get(1).preserveHost()).isFalse();
        Manifest.HttpRoute api = service(m, "api").httpRoutes().get(0);
        assertThat(api.pathPrefix()).isEqualTo("/api");
        assertThat(api.rewritePrefix()).isEqualTo("/");
        assertThat(api.backendServices()).hasSize(2);
        assertThat(api.mirrorService()).isEqualTo("api-shadow");
        assertThat(api.retries()).isEqualTo(2);
        assertThat(api.retryOn5xx()).isTrue();
    }

    @Test
    void clusterWithVariableDefaults() {
        Manifest m = load("cluster", Map.of()).manifest();
        assertThat(m.services()).hasSize(3);
        assertThat(m.crons()).hasSize(1);
        assertThat(m.volumes()).hasSize(2);
        assertThat(service(m, "web").tls().domain()).isEqualTo("myapp.example.com");
        assertThat(service(m, "web").tls().acme().email()).isEqualTo("ops@example.com");
        assertThat(m.crons().get(0).every()).isEqualTo(3600);
        assertThat(service(m, "postgres").common().env()).containsExactly("POSTGRES_PASSWORD=changeme");

        Manifest withPassword = load("cluster", Map.of("DB_PASSWORD", "s3cret")).manifest();
        assertThat(service(withPassword, "postgres").common().env()).containsExactly("POSTGRES_PASSWORD=s3cret");
    }

    @Test
    void trainingAtItsResourceMinimums() {
        var job = load("training", Map.of()).manifest().trainingJobs().get(0);
        assertThat(job.gpus()).isEqualTo(2);
        assertThat(job.cpuLimit()).isEqualTo(500);
        assertThat(job.memoryLimitMb()).isEqualTo(256);
        assertThat(job.autoRestart()).isFalse();
        assertThat(job.maxRestarts()).isZero();
        assertThat(job.checkpoint().intervalSecs()).isEqualTo(900);
    }
}
