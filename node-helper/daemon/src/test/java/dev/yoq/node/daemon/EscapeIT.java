package dev.yoq.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.node.NodeClient;
import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.ContainerState;
import dev.yoq.node.protocol.ExecRequest;
import dev.yoq.node.protocol.ExecResult;
import dev.yoq.node.protocol.HelperException;
import dev.yoq.node.protocol.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runc/crun CVE-class escape suite of the hardening issue, against real containers through a real helper
 * (privileged lane). Every case must fail closed and leave the host's mount table, files and processes as they
 * were: the class compares the host's mount points before and after.
 */
class EscapeIT {
    @TempDir static Path tmp;
    static Path rootfs;
    static HelperProcess helper;
    static NodeClient client;
    static Set<String> mountsBefore;

    @BeforeAll
    static void start() throws Exception {
        Fixtures.requirePrivilegedLane();
        rootfs = Fixtures.busyboxRootfs(Files.createDirectories(tmp.resolve("rootfs")));
        helper = new HelperProcess(Files.createDirectories(tmp.resolve("helper"))).start();
        client = helper.client();
        mountsBefore = hostMountPoints();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) Fixtures.removeAll(client);
        if (helper != null) helper.close();
        if (mountsBefore != null) {
            Thread.sleep(200);   // the last removals' unmounts
            assertThat(hostMountPoints()).as("the host's mount table after the escape suite").isEqualTo(mountsBefore);
        }
    }

    /** The host's mount points, except those inside this test's own directory (containers' roots come and go). */
    static Set<String> hostMountPoints() throws IOException {
        Set<String> points = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String point = line.split(" ")[4];
            if (!point.startsWith(tmp.toString()) && !point.startsWith("/run/netns")) points.add(point);
        }
        return points;
    }

    static ContainerSpec spec(Path root, List<ContainerSpec.Mount> mounts, String... command) {
        return new ContainerSpec(ContainerRuntimeIT.newId(), null, List.of(root.toString()), List.of(command), List.of(), "esc", "/", null,
                Limits.DEFAULT, mounts, true);
    }

    static String run(String... command) throws IOException {
        ContainerSpec s = spec(rootfs, List.of(), command);
        client.run(s);
        ContainerState end = client.await(s.id(), 20_000);
        assertThat(end.status()).isEqualTo("exited");
        String log = String.join("\n", Files.readAllLines(helper.log(s.id())).stream().map(l -> l.split(" ", 4)).map(p -> p.length == 4 ? p[3] : "").toList());
        client.remove(s.id());
        return log;
    }

    /** A rootfs whose {@code name} is a symlink to {@code target} on the host. */
    static Path rootfsWithLink(String dir, String name, Path target) throws Exception {
        Path root = Files.createDirectories(tmp.resolve(dir));
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Fixtures.BUSYBOX, root.resolve("bin/sh"));
        Files.createSymbolicLink(root.resolve(name), target);
        return root;
    }

    @Test
    void symlinked_proc_dev_etc_sys_and_volume_targets_in_the_rootfs_are_refused() throws Exception {
        Path hostDir = Files.createDirectories(tmp.resolve("host-side"));
        for (String name : List.of("proc", "dev", "sys", "tmp")) {   // the runtime mounts on each of these
            Path root = rootfsWithLink("evil-" + name, name, hostDir);
            assertThatThrownBy(() -> client.run(spec(root, List.of(), "sh", "-c", "true"))).as(name).isInstanceOf(HelperException.class)
                    .hasMessageContaining("symlink");
        }
        Path etc = rootfsWithLink("evil-etc", "etc", hostDir);   // /etc is only written to for a mount under it
        Path conf = Files.createDirectories(tmp.resolve("conf-src"));
        assertThatThrownBy(() -> client.run(spec(etc, List.of(new ContainerSpec.Mount(conf.toString(), "/etc/app", true)), "sh", "-c", "true")))
                .isInstanceOf(HelperException.class).hasMessageContaining("symlink");
        Path root = rootfsWithLink("evil-volume", "data", hostDir);
        Path source = Files.createDirectories(tmp.resolve("volume-src"));
        assertThatThrownBy(() -> client.run(spec(root, List.of(new ContainerSpec.Mount(source.toString(), "/data", false)), "sh", "-c", "true")))
                .isInstanceOf(HelperException.class).hasMessageContaining("symlink");
        try (var left = Files.list(hostDir)) {
            assertThat(left).as("nothing was created through the links").isEmpty();
        }
    }

    @Test
    void kernel_interfaces_a_container_could_escape_through_are_refused() throws Exception {
        String out = run("sh", "-c", "for op in mount unshare keyctl ptrace bpf userfaultfd perf mknod; do echo \"$op=$(probe $op)\"; done");
        for (String op : List.of("mount", "unshare", "keyctl", "ptrace", "bpf", "userfaultfd", "perf", "mknod")) {
            assertThat(out).as(op).containsPattern(op + "=(EPERM|Operation not permitted|Function not implemented|Permission denied)");
        }
    }

    @Test
    void proc_sys_sysrq_kcore_and_the_cgroup_tree_are_read_only_or_masked() throws Exception {
        String out = run("sh", "-c", "echo 1 > /proc/sys/kernel/sysrq 2>/dev/null && echo sysctl-written || echo sysctl-refused;"
                + " echo h > /proc/sysrq-trigger 2>/dev/null && echo sysrq-written || echo sysrq-refused;"
                + " [ -s /proc/kcore ] && echo kcore-readable || echo kcore-empty;"
                + " mkdir /sys/fs/cgroup/escape 2>/dev/null && echo cgroup-written || echo cgroup-refused;"
                + " echo 1 > /sys/kernel/uevent_helper 2>/dev/null && echo sys-written || echo sys-refused");
        assertThat(out).contains("sysctl-refused").contains("sysrq-refused").contains("kcore-empty").contains("cgroup-refused")
                .contains("sys-refused");
    }

    @Test
    void overwriting_the_runtime_through_proc_self_exe_or_proc_1_exe_fails_and_yoq_init_is_unchanged() throws Exception {
        Path init = Path.of(System.getProperty("yoq.init", "../init/target/yoq-init")).toAbsolutePath();
        String before = sha256(init);
        String out = run("sh", "-c", "echo \"self=$(probe exe)\"; echo \"one=$(probe exe1)\"");
        assertThat(out).doesNotContain("self=ok").doesNotContain("one=ok");
        ContainerSpec s = spec(rootfs, List.of(), "sleep", "30");
        client.run(s);
        ExecResult exec = client.exec(new ExecRequest(s.id(), List.of("sh", "-c", "probe exe; probe exe1; ls /proc/self/fd"), List.of(), "/", 10_000));
        assertThat(exec.stdout()).doesNotContain("ok");
        assertThat(exec.stdout().lines().filter(l -> l.matches("[0-9]+")).toList()).as("an exec'd process holds only 0 1 2 (and ls's own)")
                .allMatch(fd -> Integer.parseInt(fd) <= 3);
        client.kill(s.id(), 9);
        client.await(s.id(), 10_000);
        client.remove(s.id());
        assertThat(sha256(init)).as("yoq-init on the host").isEqualTo(before);
    }

    @Test
    void neither_the_helper_socket_nor_the_data_directory_is_visible_inside() throws Exception {
        String out = run("sh", "-c", "ls " + helper.socket + " 2>&1; ls " + helper.data + " 2>&1; ls /run 2>&1; echo end");
        assertThat(out).doesNotContain("node.sock\n").doesNotContain("containers").contains("end");
    }

    /**
     * CVE-2021-30465's shape: while containers start with a bind mount onto {@code /mnt}, another party swaps the
     * rootfs's {@code mnt} between a directory and a symlink to a host directory, 1,000 times. A start may fail;
     * no mount ever lands on the host directory.
     */
    @Test
    void a_directory_swapped_for_a_symlink_while_containers_start_never_mounts_on_the_host() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("race-root"));
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Fixtures.BUSYBOX, root.resolve("bin/sh"));
        Path victim = Files.createDirectories(tmp.resolve("race-victim"));
        Path source = Files.createDirectories(tmp.resolve("race-src"));
        Files.writeString(source.resolve("marker"), "from the volume");
        AtomicBoolean running = new AtomicBoolean(true);
        Thread swapper = new Thread(() -> {
            Path mnt = root.resolve("mnt");
            for (long i = 0; running.get(); i++) {
                try {
                    Files.deleteIfExists(mnt);
                    if (i % 2 == 0) Files.createDirectory(mnt);
                    else Files.createSymbolicLink(mnt, victim);
                } catch (IOException e) {
                    // racing with itself is fine
                }
            }
        }, "swapper");
        swapper.start();
        int started = 0, refused = 0;
        try {
            for (int round = 0; round < 1_000; round++) {
                ContainerSpec s = spec(root, List.of(new ContainerSpec.Mount(source.toString(), "/mnt", true)), "sh", "-c", "true");
                try {
                    client.run(s);
                    client.await(s.id(), 10_000);
                    started++;
                } catch (HelperException e) {
                    refused++;
                }
                try {
                    client.remove(s.id());
                } catch (HelperException e) {
                    // never created
                }
                assertThat(hostMountPoints()).as("round " + round).doesNotContain(victim.toString());
            }
        } finally {
            running.set(false);
            swapper.join();
        }
        assertThat(started + refused).isEqualTo(1_000);
        try (var left = Files.list(victim)) {
            assertThat(left).as("the host directory behind the symlink").isEmpty();
        }
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
