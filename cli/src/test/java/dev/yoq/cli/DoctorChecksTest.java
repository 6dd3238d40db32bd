package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Doctor against fake /proc and /sys trees: each layout and threshold. */
class DoctorChecksTest {
    @TempDir Path root;

    void write(String rel, String text) throws Exception {
        Files.createDirectories(root.resolve(rel).getParent());
        Files.writeString(root.resolve(rel), text);
    }

    Map<String, String> statuses(long free) {
        List<DoctorChecks.Check> checks = new DoctorChecks(root).system(() -> new DoctorChecks.Check("node-helper", "pass", "x"), free);
        return checks.stream().collect(Collectors.toMap(DoctorChecks.Check::name, DoctorChecks.Check::status));
    }

    @Test
    void a_hybrid_host_like_ci_is_reported_as_supported() throws Exception {
        write("proc/sys/kernel/osrelease", "6.18.44-fc-v857\n");
        write("sys/fs/cgroup/unified/cgroup.controllers", "");
        Files.createDirectories(root.resolve("sys/fs/bpf"));
        write("proc/sys/net/core/bpf_jit_enable", "1\n");
        Map<String, String> s = statuses(20L << 30);
        assertThat(s).containsEntry("kernel", "pass").containsEntry("cgroup-v2", "warn").containsEntry("ebpf", "pass")
                .containsEntry("gpu", "warn").containsEntry("wireguard", "warn").containsEntry("infiniband", "warn")
                .containsEntry("disk-space", "pass").containsEntry("io-uring", "pass").containsEntry("bpf-jit", "pass")
                .containsEntry("mtu", "warn").containsEntry("node-helper", "pass");
        assertThat(new DoctorChecks(root).cgroups().message()).startsWith("hybrid").endsWith("supported");
    }

    @Test
    void thresholds_follow_the_spec() throws Exception {
        write("proc/sys/kernel/osrelease", "5.15.0-91-generic");
        assertThat(new DoctorChecks(root).kernel().status()).isEqualTo("warn");
        write("proc/sys/kernel/osrelease", "5.4.0");
        assertThat(new DoctorChecks(root).kernel().status()).isEqualTo("fail");
        write("sys/fs/cgroup/cgroup.controllers", "cpu memory pids");
        assertThat(new DoctorChecks(root).cgroups().status()).isEqualTo("pass");
        assertThat(DoctorChecks.disk(5L << 30).status()).isEqualTo("warn");
        assertThat(DoctorChecks.disk(1L << 30).status()).isEqualTo("fail");
        write("sys/class/net/yoq0/mtu", "1400");
        assertThat(new DoctorChecks(root).mtu().status()).isEqualTo("warn");
        write("proc/sys/kernel/io_uring_disabled", "2");
        assertThat(new DoctorChecks(root).ioUring().status()).isEqualTo("warn");
        assertThat(statuses(20L << 30)).containsEntry("ebpf", "fail");
    }

    @Test
    void networking_needs_ip_and_nft_and_policy_needs_br_netfilter() throws Exception {
        assertThat(new DoctorChecks(root).networkTools().message()).startsWith("missing ip (iproute2) nft (nftables)");
        assertThat(statuses(20L << 30)).containsEntry("network-tools", "fail").containsEntry("br-netfilter", "warn");
        for (String tool : new String[] {"usr/sbin/ip", "usr/sbin/nft"}) {
            write(tool, "#!/bin/sh\n");
            root.resolve(tool).toFile().setExecutable(true);
        }
        write("proc/sys/net/bridge/bridge-nf-call-iptables", "1");
        assertThat(statuses(20L << 30)).containsEntry("network-tools", "pass").containsEntry("br-netfilter", "pass");
    }
}
