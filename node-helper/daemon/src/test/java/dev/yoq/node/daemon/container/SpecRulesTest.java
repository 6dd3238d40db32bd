package dev.yoq.node.daemon.container;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.DataLayout;
import dev.yoq.node.protocol.HostPaths;
import dev.yoq.node.protocol.HelperException;
import dev.yoq.node.protocol.Limits;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecRulesTest {
    @TempDir Path dir;
    @TempDir Path data;

    void check(ContainerSpec spec) {
        SpecRules.check(spec, HostPaths.forNode(new DataLayout(data), data.resolve("run/node.sock"), List.of(), ""), data.resolve("layers"));
    }

    ContainerSpec spec(String id, List<String> lowers, List<String> env, Limits limits, List<ContainerSpec.Mount> mounts, String cwd) {
        return new ContainerSpec(id, null, lowers, List.of("sh"), env, "web", cwd, null, limits, mounts, true);
    }

    @Test
    void a_sane_spec_passes() {
        assertThatCode(() -> check(spec("abc123abc123", List.of(dir.toString()), List.of("A=1"), Limits.DEFAULT, List.of(), "/")))
                .doesNotThrowAnyException();
    }

    @Test
    void each_problem_is_named_by_its_field() {
        ContainerSpec bad = spec("abc123abc123", List.of("relative/dir", "/no/such/dir"), List.of("=x", "NOEQ"),
                new Limits(1024, 0, 0, 2000), List.of(new ContainerSpec.Mount("/etc/../etc", "/etc", false)), "srv");
        assertThatThrownBy(() -> check(bad)).isInstanceOf(HelperException.class)
                .hasMessageContaining("memory: 1024 bytes is below the minimum of 4 MiB")
                .hasMessageContaining("pids: 0 is out of range")
                .hasMessageContaining("cpu_weight: 0 is out of range (1 to 10000)")
                .hasMessageContaining("cpus: 2000.0 is out of range")
                .hasMessageContaining("lower_dirs: relative/dir is not a clean absolute path")
                .hasMessageContaining("lower_dirs: /no/such/dir is not a directory")
                .hasMessageContaining("env: =x is not KEY=VALUE").hasMessageContaining("env: NOEQ is not KEY=VALUE")
                .hasMessageContaining("working_dir: srv is not absolute")
                .hasMessageContaining("mounts: source /etc/../etc is not a clean absolute path")
                .hasMessageContaining("mounts: bind mount onto /etc is not allowed");
    }

    @Test
    void addresses_that_could_smuggle_text_into_yoq_init_or_nftables_are_refused() {
        ContainerSpec base = spec("abc123abc123", List.of(dir.toString()), List.of(), Limits.DEFAULT, List.of(), "/");
        assertThatCode(() -> check(base.withNet(new ContainerSpec.Net("10.42.0.2/16", "10.42.0.1", List.of())))).doesNotThrowAnyException();
        assertThatThrownBy(() -> check(base.withNet(new ContainerSpec.Net("10.42.0.2/16; flush ruleset", "10.42.0.1", List.of()))))
                .hasMessageContaining("net.address: 10.42.0.2/16; flush ruleset is not an IPv4 address with a prefix length");
        assertThatThrownBy(() -> check(base.withNet(new ContainerSpec.Net("10.42.0.256/16", "gw", List.of()))))
                .hasMessageContaining("net.address").hasMessageContaining("net.gateway: gw is not an IPv4 address");
    }

    @Test
    void the_helper_refuses_host_roots_and_its_own_data_whatever_the_server_asks() throws Exception {
        java.nio.file.Files.createDirectories(data.resolve("layers/sha256/ab"));
        for (String src : List.of("/", "/run", "/usr", "/var", data.toString())) {
            assertThatThrownBy(() -> check(spec("abc123abc123", List.of(dir.toString()), List.of(), Limits.DEFAULT,
                    List.of(new ContainerSpec.Mount(src, "/host", false)), "/"))).as(src).hasMessageContaining("mounts: source " + src);
            assertThatThrownBy(() -> check(spec("abc123abc123", List.of(src), List.of(), Limits.DEFAULT, List.of(), "/")))
                    .as(src).hasMessageContaining("lower_dirs: rootfs " + src);
        }
        assertThatCode(() -> check(spec("abc123abc123", List.of(data.resolve("layers/sha256/ab").toString()), List.of(), Limits.DEFAULT,
                List.of(), "/"))).as("an image layer this helper unpacked").doesNotThrowAnyException();
    }

    @Test
    void ids_are_lowercase_hex() {
        assertThatThrownBy(() -> SpecRules.requireValidId("../../etc")).hasMessage("invalid container id: ../../etc");
        assertThatThrownBy(() -> SpecRules.requireValidId("ABC")).isInstanceOf(HelperException.class);
        assertThatCode(() -> SpecRules.requireValidId("0123456789ab")).doesNotThrowAnyException();
    }

    @Test
    void paths_with_control_characters_are_refused() {
        assertThatThrownBy(() -> check(spec("abc", List.of(dir + "\nmode exec"), List.of(), Limits.DEFAULT, List.of(), "/")))
                .hasMessageContaining("is not a clean absolute path");
    }
}
