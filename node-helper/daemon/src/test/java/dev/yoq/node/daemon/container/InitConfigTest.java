package dev.yoq.node.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.node.daemon.cgroup.Placement;
import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.ExecRequest;
import dev.yoq.node.protocol.Limits;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class InitConfigTest {
    static final Placement PLACEMENT = new Placement(List.of(Path.of("/cg/memory/yoq/abc/cgroup.procs"),
            Path.of("/cg/pids/yoq/abc/cgroup.procs")), Path.of("/cg/memory/yoq/abc/memory.oom_control"), "oom_kill");

    @Test
    void renders_every_setting_yoq_init_needs_in_order() {
        ContainerSpec spec = new ContainerSpec("abc123abc123", "web", List.of("/layers/top", "/layers/base"),
                List.of("sh", "-c", "echo 'a\nb'\\"), List.of("A=1"), "web", "/srv", "1000:1000", Limits.DEFAULT,
                List.of(new ContainerSpec.Mount("/host/data", "/data", true)), true);
        String text = InitConfig.forRun(spec, new ContainerDirs(Path.of("/d/containers/abc123abc123")), PLACEMENT,
                Path.of("/d/seccomp/x.bpf"), Path.of("/d/logs/abc123abc123.log"));
        assertThat(text).isEqualTo(String.join("\n",
                "mode run", "id abc123abc123", "rootfs /d/containers/abc123abc123/rootfs",
                "lower /layers/top", "lower /layers/base",
                "upper /d/containers/abc123abc123/upper", "work /d/containers/abc123abc123/work", "hostname web",
                "cgroup_procs /cg/memory/yoq/abc/cgroup.procs", "cgroup_procs /cg/pids/yoq/abc/cgroup.procs",
                "oom_file /cg/memory/yoq/abc/memory.oom_control", "oom_key oom_kill",
                "bind ro\\t/host/data\\t/data", "rlimit nofile 1024 1048576", "cwd /srv", "user 1000:1000",
                "caps 24e3", "seccomp /d/seccomp/x.bpf",
                "env " + InitConfig.DEFAULT_PATH, "env A=1",
                "arg sh", "arg -c", "arg echo 'a\\nb'\\\\",
                "log /d/logs/abc123abc123.log", "log_max 52428800", "state_dir /d/containers/abc123abc123", ""));
    }

    @Test
    void secret_variables_are_included_from_the_tmpfs_never_written_into_the_config() {
        ContainerSpec spec = new ContainerSpec("abc123abc123", null, List.of("/l"), List.of("true"), List.of("A=1"), "c", "/", null,
                Limits.DEFAULT, List.of(), false);
        String text = InitConfig.forRun(spec, new ContainerDirs(Path.of("/d/containers/abc123abc123")), PLACEMENT, null,
                Path.of("/d/logs/x.log"), Path.of("/run/netns/x"), Path.of("/d/containers/abc123abc123/secrets/env.conf"));
        assertThat(text).contains("env A=1\narg true\ninclude /d/containers/abc123abc123/secrets/env.conf\nlog ");
    }

    @Test
    void an_exec_sees_the_containers_secret_variables_too() {
        ContainerSpec spec = new ContainerSpec("abc123abc123", null, List.of("/l"), List.of("true"), List.of("A=1"), "c", "/", null,
                Limits.DEFAULT, List.of(), false);
        String exec = InitConfig.forExec(new ExecRequest("abc123abc123", List.of("env"), null, null, 0), 7, PLACEMENT, null, spec,
                Path.of("/d/containers/abc123abc123/secrets/env.conf"));
        assertThat(exec).contains("arg env\ninclude /d/containers/abc123abc123/secrets/env.conf\n");
        assertThat(InitConfig.forExec(new ExecRequest("abc123abc123", List.of("env"), null, null, 0), 7, PLACEMENT, null, spec))
                .doesNotContain("include");
    }

    @Test
    void a_bridged_container_joins_its_namespace_and_sets_its_address() {
        ContainerSpec spec = new ContainerSpec("abc123abc123", null, List.of("/l"), List.of("true"), List.of(), "c", "/", null,
                Limits.DEFAULT, List.of(), true, false, new ContainerSpec.Net("10.42.0.7/16", "10.42.0.1", List.of()));
        String text = InitConfig.forRun(spec, new ContainerDirs(Path.of("/d/c")), PLACEMENT, null, Path.of("/d/l.log"));
        assertThat(text).contains("hostname c\nnetns /run/netns/yoq-abc123abc123\nnet_addr 10.42.0.7/16\nnet_gateway 10.42.0.1\n"
                + "etc_file resolv.conf\\tnameserver 10.42.0.1\\n\n"
                + "etc_file hosts\\t127.0.0.1\\tlocalhost\\n10.42.0.7\\tc\\n\n");
    }

    @Test
    void no_value_can_start_a_new_line_and_nul_is_refused() {
        assertThat(InitConfig.escape("x\nmode exec")).isEqualTo("x\\nmode exec").doesNotContain("\n");
        assertThatThrownBy(() -> InitConfig.escape("a\0b")).hasMessageContaining("NUL");
    }

    @Test
    void an_explicit_path_is_kept_and_exec_uses_root_cwd_and_empty_env() {
        assertThat(InitConfig.withDefaultPath(List.of("PATH=/opt/bin"))).containsExactly("PATH=/opt/bin");
        ContainerSpec plain = new ContainerSpec("abc", null, List.of("/l"), List.of("sh"), List.of(), null, "/", null,
                Limits.DEFAULT, List.of(), true);
        String exec = InitConfig.forExec(new ExecRequest("abc", List.of("ls"), null, null, 0), 4242, PLACEMENT, null, plain);
        assertThat(exec).contains("mode exec\n", "target_pid 4242\n", "cwd /\n", "arg ls\n").doesNotContain("env ", "userns");
    }

    @Test
    void a_user_namespace_maps_a_range_above_the_hosts_users() {
        ContainerSpec spec = new ContainerSpec("0000ff00ff00", null, List.of("/l"), List.of("sh"), List.of(), null, "/", null,
                Limits.DEFAULT, List.of(), true, true);
        long base = spec.userNamespaceBase();
        assertThat(base).isEqualTo((1L << 20) + 65_536L * (0xff00L % 16_384));
        assertThat(base + ContainerSpec.USERNS_RANGE).isLessThan(1L << 31);
        String run = InitConfig.forRun(spec, new ContainerDirs(Path.of("/d/c")), PLACEMENT, null, Path.of("/d/l"));
        assertThat(run).contains("userns " + base + " " + base + " 65536\n");
        String exec = InitConfig.forExec(new ExecRequest("0000ff00ff00", List.of("id"), null, null, 0), 7, PLACEMENT, null, spec);
        assertThat(exec).contains("userns " + base + " " + base + " 65536\n");
    }

    @Test
    void the_kept_capabilities_are_the_seven_of_the_issue() {
        // CHOWN 0, DAC_OVERRIDE 1, KILL 5, SETGID 6, SETUID 7, NET_BIND_SERVICE 10, NET_RAW 13
        assertThat(Long.bitCount(InitConfig.KEPT_CAPABILITIES)).isEqualTo(7);
        assertThat(InitConfig.KEPT_CAPABILITIES).isEqualTo(0x24e3L);
    }
}
