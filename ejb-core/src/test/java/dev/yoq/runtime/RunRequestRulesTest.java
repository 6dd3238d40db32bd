package dev.yoq.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.DataLayout;
import dev.yoq.node.protocol.HostPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRequestRulesTest {
    @TempDir Path dir;
    @TempDir Path yoqData;

    HostPaths paths() {
        return HostPaths.forNode(new DataLayout(yoqData), yoqData.resolve("run/node.sock"), List.of(), "");
    }

    RunRequest request(String target, List<String> cmd, String name, List<RunRequest.Volume> volumes, Long memory, Double cpus) {
        return new RunRequest(target, cmd, name, List.of("A=1"), volumes, List.of(), memory, null, null, cpus, null, null);
    }

    @Test
    void a_good_request_becomes_the_helpers_spec_with_defaults() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        RunRequest r = request(dir.toString(), List.of("sh"), "web", List.of(new RunRequest.Volume(data.toString(), "/data", null)), null, null);
        assertThat(RunRequestRules.problems(paths(), r)).isEmpty();
        ContainerSpec spec = RunRequestRules.toSpec("abc123abc123", r, null);
        assertThat(spec.hostname()).isEqualTo("web");
        assertThat(spec.limits().memoryBytes()).isEqualTo(512L << 20);
        assertThat(spec.limits().pids()).isEqualTo(4096);
        assertThat(spec.mounts()).containsExactly(new ContainerSpec.Mount(data.toRealPath().toString(), "/data", true));
        assertThat(RunRequestRules.hostname(request(dir.toString(), List.of("sh"), null, List.of(), null, null))).isEqualTo("container");
    }

    @Test
    void each_bad_field_is_named() {
        RunRequest r = new RunRequest("nginx:latest", List.of(), "-web", List.of("=x"),
                List.of(new RunRequest.Volume("/etc", "/x", true), new RunRequest.Volume("relative", "/y", true),
                        new RunRequest.Volume(dir.toString(), "z", true)),
                List.of("80:80", "80", ":80", "99999:80", "8080:80/sctp", "a:b"), 1L, 0L, 10_001, 0.0, "sometimes", null);
        assertThat(String.join("\n", RunRequestRules.problems(paths(), r)))
                .doesNotContain("target: nginx")
                .contains("name: -web must be 1-63 characters")
                .contains("env: =x must be KEY=VALUE")
                .contains("volume: source /etc is the protected host path /etc")
                .contains("volume: source relative must be an absolute host path")
                .contains("volume: target z must be an absolute container path")
                .doesNotContain("ports: 80:80")
                .contains("ports: 80 must be HOST:CONTAINER[/tcp|/udp]")
                .contains("ports: :80 must be HOST:CONTAINER[/tcp|/udp]")
                .contains("ports: host port must be 1-65535, got 99999")
                .contains("ports: protocol must be tcp or udp, got sctp")
                .contains("ports: a:b must be HOST:CONTAINER with numeric ports")
                .contains("cpus: 0.0 is out of range")
                .contains("restart: must be no, always or on-failure, got sometimes");
        RunRequest limits = new RunRequest(dir.toString(), List.of("sh"), null, List.of(), List.of(), List.of(), 1L, 0L, 10_001, null, null, null);
        assertThat(String.join("\n", RunRequestRules.problems(paths(), limits)))
                .contains("memory: 1 bytes is below the minimum of 4 MiB").contains("pids: 0 is out of range")
                .contains("cpu_weight: 10001 is out of range (1 to 10000)");
    }

    @Test
    void a_volume_through_a_symlink_into_a_blocked_path_is_refused() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("sneaky"), Path.of("/etc"));
        assertThat(RunRequestRules.volumeProblems(new RunRequest.Volume(link.toString(), "/x", true), paths()))
                .anyMatch(p -> p.contains("(really /etc) is the protected host path /etc"));
    }

    @Test
    void host_roots_and_yoq_data_are_refused_as_volumes_and_as_rootfs() throws Exception {
        Files.createDirectories(yoqData.resolve("run"));
        for (String src : List.of("/", "/etc/..", "/run", "/usr", "/var", yoqData.toString(), yoqData.resolve("run").toString())) {
            assertThat(RunRequestRules.volumeProblems(new RunRequest.Volume(src, "/host", false), paths())).as(src).hasSize(1);
            assertThat(RunRequestRules.problems(paths(), request(src, List.of("sh"), null, List.of(), null, null)))
                    .as(src).anyMatch(p -> p.startsWith("target: rootfs " + src));
        }
        Files.createDirectories(yoqData.resolve("volumes/app/v"));
        assertThat(RunRequestRules.volumeProblems(new RunRequest.Volume(yoqData.resolve("volumes/app/v").toString(), "/v", false), paths()))
                .as("a managed local volume").isEmpty();
    }

    @Test
    void an_image_target_gets_the_image_defaults_with_the_users_overrides() throws Exception {
        var config = new dev.yoq.image.ImageConfig(List.of("/entry"), List.of("serve"), List.of("A=image", "B=image"), "/srv",
                "app", List.of("80/tcp"), "SIGQUIT", java.util.Map.of(), "linux/amd64", "");
        var image = new dev.yoq.image.ImageService.Resolved("nginx:latest", List.of("/layers/top", "/layers/base"), config);
        RunRequest r = new RunRequest("nginx", List.of(), null, List.of("A=mine"), List.of(), List.of(), null, null, null, null, null, null);
        assertThat(RunRequestRules.problems(paths(), r)).isEmpty();
        ContainerSpec spec = RunRequestRules.toSpec("abc123abc123", r, image);
        assertThat(spec.command()).containsExactly("/entry", "serve");
        assertThat(spec.env()).containsExactly("B=image", "A=mine");
        assertThat(spec.workingDir()).isEqualTo("/srv");
        assertThat(spec.user()).isEqualTo("app");
        assertThat(spec.lowerDirs()).containsExactly("/layers/top", "/layers/base");
        RunRequest args = new RunRequest("nginx", List.of("debug", "-v"), null, List.of(), List.of(), List.of(), null, null, null, null, null, null);
        assertThat(RunRequestRules.toSpec("abc123abc123", args, image).command()).containsExactly("/entry", "debug", "-v");
        assertThat(RunRequestRules.problems(paths(), new RunRequest("Bad Image", List.of(), null, List.of(), List.of(), List.of(),
                null, null, null, null, null, null))).anyMatch(p -> p.startsWith("target: image reference"));
    }

    @Test
    void a_missing_rootfs_is_named() {
        assertThat(RunRequestRules.problems(paths(), request(dir.resolve("nope").toString(), List.of("sh"), null, List.of(), null, null)))
                .anyMatch(p -> p.startsWith("target: rootfs directory") && p.endsWith("does not exist"));
    }
}
