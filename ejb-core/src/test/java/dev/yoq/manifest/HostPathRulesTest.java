package dev.yoq.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.node.protocol.DataLayout;
import dev.yoq.node.protocol.HostPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** validate/up: host volumes, bind mounts and rootfs directories are checked against the node's host-path rule. */
class HostPathRulesTest {
    @TempDir Path dir;
    @TempDir Path data;

    @Test
    void protected_paths_in_a_manifest_are_errors_naming_field_and_rule() throws Exception {
        Files.createDirectories(dir.resolve("rootfs"));
        String toml = """
                app = "x"
                [service.web]
                image = "/"
                command = ["sh"]
                volumes = ["/run:/host", "./rootfs:/ok"]
                [worker.w]
                image = "./rootfs"
                command = ["sh"]
                [volume.etc]
                driver = "host"
                path = "/etc"
                """;
        Manifest m = ManifestPaths.absolute(ManifestLoader.parse(toml, "m.toml", "x", k -> null).manifest(), dir);
        List<Problem> problems = HostPathRules.check(m, HostPaths.forNode(new DataLayout(data), data.resolve("node.sock"), List.of(), ""));
        assertThat(problems).extracting(Problem::kind).containsOnly("ProtectedHostPath");
        assertThat(problems).extracting(p -> p.path() + ": " + p.message()).containsExactlyInAnyOrder(
                "service.web.image: rootfs / is the protected host path / (allow a host prefix with yoq.host_paths.allow / YOQ_HOST_PATHS_ALLOW)",
                "service.web.volumes: bind source /run is the protected host path /run (allow a host prefix with yoq.host_paths.allow / YOQ_HOST_PATHS_ALLOW)",
                "volume.etc.path: host path /etc is the protected host path /etc (allow a host prefix with yoq.host_paths.allow / YOQ_HOST_PATHS_ALLOW)");
    }
}
