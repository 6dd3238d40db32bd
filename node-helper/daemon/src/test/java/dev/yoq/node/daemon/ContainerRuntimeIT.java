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
import dev.yoq.node.protocol.Wire;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real containers through a real helper process (privileged lane: root and busybox-static). */
class ContainerRuntimeIT {
    @TempDir static Path tmp;
    static Path rootfs;
    static HelperProcess helper;
    static NodeClient client;

    @BeforeAll
    static void startHelper() throws Exception {
        Fixtures.requirePrivilegedLane();
        rootfs = Fixtures.busyboxRootfs(Files.createDirectories(tmp.resolve("rootfs")));
        helper = new HelperProcess(Files.createDirectories(tmp.resolve("helper"))).start();
        client = helper.client();
    }

    @AfterAll
    static void stopHelper() throws Exception {
        if (client != null) Fixtures.removeAll(client);
        if (helper != null) helper.close();
    }

    @AfterEach
    void reconnectIfNeeded() throws IOException {
        client.list();   // a test that restarted the helper has reconnected; this fails loudly otherwise
    }

    static String newId() {
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static ContainerSpec spec(String id, Limits limits, String... command) {
        return new ContainerSpec(id, "c" + id, List.of(rootfs.toString()), List.of(command), List.of(), "box-" + id.substring(0, 4),
                "/", null, limits, List.of(), true);
    }

    static ContainerSpec spec(String id, String... command) { return spec(id, Limits.DEFAULT, command); }

    /** Runs to the end and returns the exit state plus the log text. */
    static Finished runToEnd(ContainerSpec spec) throws IOException {
        client.run(spec);
        ContainerState end = client.await(spec.id(), 20_000);
        assertThat(end.status()).as("container %s should have exited", spec.id()).isEqualTo("exited");
        return new Finished(end, logText(spec.id()));
    }

    record Finished(ContainerState state, String log) {}

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The log's text without the CRI prefix (time, stream, tag). */
    static String logText(String id) throws IOException {
        Path log = helper.log(id);
        if (!Files.exists(log)) return "";
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(log)) {
            String[] parts = line.split(" ", 4);
            b.append(parts.length == 4 ? parts[3] : "").append('\n');
        }
        return b.toString();
    }

    @Test
    void the_command_is_pid_1_with_its_own_hostname() throws IOException {
        String id = newId();
        Finished f = runToEnd(spec(id, "sh", "-c", "echo pid=$$; hostname"));
        assertThat(f.log()).contains("pid=1\n").contains("box-" + id.substring(0, 4) + "\n");
        assertThat(f.state().exitCode()).isZero();
    }

    /** PID 1 is a process that opens nothing itself, so whatever it holds came from yoq: only 0, 1 and 2 may. */
    @Test
    void the_container_process_holds_only_stdin_stdout_and_stderr() throws IOException {
        String id = newId();
        client.run(spec(id, "sleep", "30"));
        ExecResult r = client.exec(new ExecRequest(id, List.of("ls", "/proc/1/fd"), null, null, 10_000));
        client.stop(id, 100);
        assertThat(r.stdout()).isEqualTo("0\n1\n2\n");
    }

    @Test
    void capabilities_are_exactly_the_kept_set_with_no_new_privs_and_seccomp() throws IOException {
        Finished f = runToEnd(spec(newId(), "grep", "-E", "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):", "/proc/self/status"));
        assertThat(f.log())
                .contains("CapEff:\t00000000000024e3").contains("CapPrm:\t00000000000024e3")
                .contains("CapBnd:\t00000000000024e3").contains("CapAmb:\t0000000000000000")
                .contains("NoNewPrivs:\t1").contains("Seccomp:\t2");
    }

    @Test
    void mount_unshare_keyctl_and_ptrace_of_pid_1_are_refused() throws IOException {
        Finished f = runToEnd(spec(newId(), "sh", "-c",
                "for op in mount unshare keyctl ptrace; do echo \"$op=$(probe $op)\"; done"));
        assertThat(f.log()).contains("mount=EPERM", "unshare=EPERM", "keyctl=EPERM", "ptrace=EPERM");
    }

    @Test
    void sys_is_read_only_and_proc_paths_are_masked() throws IOException {
        Finished f = runToEnd(spec(newId(), "sh", "-c",
                "echo x > /sys/kernel/uevent_helper 2>/dev/null && echo sys-writable || echo sys-refused;"
                        + " echo x > /proc/sys/kernel/hostname 2>/dev/null && echo procsys-writable || echo procsys-refused;"
                        + " wc -c < /proc/keys"));
        assertThat(f.log()).contains("sys-refused").contains("procsys-refused").contains("\n0\n");
    }

    @Test
    void exit_codes_propagate() throws IOException {
        assertThat(runToEnd(spec(newId(), "sh", "-c", "exit 42")).state().exitCode()).isEqualTo(42);
        assertThat(runToEnd(spec(newId(), "sh", "-c", "kill -USR1 $$; sleep 5")).state().signal()).isZero();
    }

    @Test
    void memory_limit_gets_the_container_oom_killed_and_reported() throws IOException {
        CopyOnWriteArrayList<Wire.Event> events = new CopyOnWriteArrayList<>();
        NodeClient subscription = helper.client();
        subscription.subscribe(events::add, () -> {});
        String id = newId();
        Finished f = runToEnd(spec(id, new Limits(8L << 20, 4096, 100, 0), "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"));
        assertThat(f.state().oomKilled()).isTrue();
        assertThat(f.state().exitCode()).isEqualTo(137);
        assertThat(f.state().signal()).isEqualTo(9);
        long deadline = System.currentTimeMillis() + 5_000;   // the event stream is asynchronous to the await answer
        while (events.stream().noneMatch(e -> e.event().equals("oom") && e.container().id().equals(id)) && System.currentTimeMillis() < deadline) {
            sleep(20);
        }
        assertThat(events).anyMatch(e -> e.event().equals("oom") && e.container().id().equals(id));
        subscription.close();
    }

    @Test
    void pids_limit_makes_fork_fail_inside() throws IOException {
        Finished f = runToEnd(spec(newId(), new Limits(Limits.DEFAULT_MEMORY, 4, 100, 0), "sh", "-c",
                "for i in 1 2 3 4 5 6 7 8; do sleep 3 & done; wait; echo done"));
        assertThat(f.log()).containsPattern("(?i)can't fork|resource temporarily unavailable");
        assertThat(f.state().oomKilled()).isFalse();
    }

    @Test
    void a_process_ignoring_sigterm_is_killed_after_the_grace_period() throws IOException {
        String id = newId();
        client.run(spec(id, "sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done"));
        long t0 = System.nanoTime();
        ContainerState end = client.stop(id, 700);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(end.status()).isEqualTo("exited");
        assertThat(end.signal()).isEqualTo(9);
        assertThat(ms).isBetween(700L, 5_000L);
    }

    @Test
    void a_process_that_handles_sigterm_exits_within_the_grace_period() throws IOException {
        String id = newId();
        client.run(spec(id, "sh", "-c", "trap 'echo bye; exit 0' TERM; while true; do sleep 0.1; done"));
        sleepMs(300);
        ContainerState end = client.stop(id, 10_000);
        assertThat(end.exitCode()).isZero();
        assertThat(logText(id)).contains("bye");
    }

    @Test
    void kill_forwards_a_signal_through_yoq_init_to_the_container() throws IOException {
        String id = newId();
        client.run(spec(id, "sh", "-c", "trap 'echo got usr1; exit 4' USR1; while true; do sleep 0.1; done"));
        sleepMs(300);
        client.kill(id, 10);   // SIGUSR1
        ContainerState end = client.await(id, 5_000);
        assertThat(end.exitCode()).isEqualTo(4);
        assertThat(logText(id)).contains("got usr1");
        assertThatThrownBy(() -> client.kill(id, 10)).isInstanceOf(HelperException.class).hasMessage("container is not running");
    }

    @Test
    void the_container_survives_a_helper_crash_and_the_restarted_helper_reports_its_exit() throws Exception {
        String id = newId();
        // The container goes on when the test says so (a file in a bind mount), not after a fixed time: a helper
        // restart on a busy 2-core machine can take longer than any sleep chosen here.
        Path flag = Files.createDirectories(tmp.resolve("flag-" + id));
        ContainerSpec base = spec(id, "sh", "-c", "echo before; while [ ! -e /flag/go ]; do sleep 0.1; done; echo after; exit 3");
        client.run(new ContainerSpec(base.id(), base.name(), base.lowerDirs(), base.command(), base.env(), base.hostname(), "/", null,
                Limits.DEFAULT, List.of(new ContainerSpec.Mount(flag.toString(), "/flag", true)), true));
        sleepMs(300);
        client.close();
        helper.crash();
        helper.start();
        client = helper.client();
        ContainerState now = client.get(id);
        assertThat(now.status()).as("still running after the helper crash").isEqualTo("running");
        Files.writeString(flag.resolve("go"), "");
        ContainerState end = client.await(id, 10_000);
        assertThat(end.exitCode()).isEqualTo(3);
        assertThat(logText(id)).contains("before\n").contains("after\n");
    }

    @Test
    void exec_runs_inside_with_the_same_restrictions_and_returns_the_exit_code() throws IOException {
        String id = newId();
        client.run(spec(id, "sleep", "30"));
        ExecResult r = client.exec(new ExecRequest(id, List.of("sh", "-c",
                "hostname; grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status; probe mount; exit 5"), null, null, 10_000));
        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.stdout()).contains("box-" + id.substring(0, 4)).contains("CapEff:\t00000000000024e3")
                .contains("NoNewPrivs:\t1").contains("Seccomp:\t2").contains("EPERM");
        client.stop(id, 100);
    }

    @Test
    void a_user_runs_without_capabilities() throws IOException {
        ContainerSpec base = spec(newId(), "sh", "-c", "id -u; grep CapEff /proc/self/status");
        ContainerSpec asApp = new ContainerSpec(base.id(), null, base.lowerDirs(), base.command(), List.of(), null, "/", "app",
                Limits.DEFAULT, List.of(), true);
        Finished f = runToEnd(asApp);
        assertThat(f.log()).contains("1000\n").contains("CapEff:\t0000000000000000");
    }

    @Test
    void a_user_namespace_maps_container_root_to_an_unprivileged_host_range() throws IOException {
        ContainerSpec base = spec(newId(), "sh", "-c",
                "id -u; cat /proc/self/uid_map; echo hi > /made-inside; cat /made-inside; hostname; sleep 30");
        ContainerSpec s = new ContainerSpec(base.id(), null, base.lowerDirs(), base.command(), List.of(), "userns-box", "/",
                null, Limits.DEFAULT, List.of(), true, true);
        client.run(s);
        ExecResult r = client.exec(new ExecRequest(s.id(), List.of("sh", "-c", "id -u; grep CapEff /proc/self/status"), null, null, 10_000));
        client.stop(s.id(), 100);
        long hostRoot = s.userNamespaceBase();
        assertThat(logText(s.id())).startsWith("0\n").containsPattern("\\s+0\\s+" + hostRoot + "\\s+65536\n")
                .contains("hi\n").contains("userns-box\n");
        assertThat(Files.getAttribute(helper.data.resolve("containers").resolve(s.id()).resolve("upper/made-inside"), "unix:uid"))
                .as("a file root made inside belongs to the unprivileged host uid").isEqualTo((int) hostRoot);
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).startsWith("0\n").contains("CapEff:\t00000000000024e3");
    }

    @Test
    void symlinks_in_the_rootfs_cannot_point_mounts_outside_it() throws Exception {
        Path evil = Files.createDirectories(tmp.resolve("evil-proc"));
        Files.createDirectories(evil.resolve("bin"));
        Files.copy(Fixtures.BUSYBOX, evil.resolve("bin/sh"));
        Files.createSymbolicLink(evil.resolve("proc"), Path.of("/"));
        ContainerSpec s = new ContainerSpec(newId(), null, List.of(evil.toString()), List.of("sh", "-c", "true"), List.of(),
                null, "/", null, Limits.DEFAULT, List.of(), true);
        assertThatThrownBy(() -> client.run(s)).isInstanceOf(HelperException.class)
                .hasMessageContaining("/proc").hasMessageContaining("symlink");

        Path etc = Files.createDirectories(tmp.resolve("evil-etc"));
        Files.createDirectories(etc.resolve("bin"));
        Files.copy(Fixtures.BUSYBOX, etc.resolve("bin/sh"));
        Path hostEtc = tmp.resolve("host-etc");
        Files.createSymbolicLink(etc.resolve("etc"), hostEtc);
        Path source = Files.createDirectories(tmp.resolve("conf"));
        ContainerSpec bind = new ContainerSpec(newId(), null, List.of(etc.toString()), List.of("sh", "-c", "true"), List.of(),
                null, "/", null, Limits.DEFAULT, List.of(new ContainerSpec.Mount(source.toString(), "/etc/app", true)), true);
        assertThatThrownBy(() -> client.run(bind)).isInstanceOf(HelperException.class).hasMessageContaining("symlink");
        assertThat(hostEtc).doesNotExist();
    }

    @Test
    void the_helper_refuses_a_forged_spec_that_mounts_the_host_its_socket_or_its_data() throws Exception {
        Path linkToRoot = Files.createSymbolicLink(tmp.resolve("to-root"), Path.of("/"));
        List<String> forgedIds = new java.util.ArrayList<>();
        for (String src : List.of("/", "/run", "/usr", "/var", linkToRoot.toString(), tmp.resolve("helper").toString(),
                tmp.resolve("helper/data").toString())) {
            ContainerSpec base = spec(newId(), "sh", "-c", "echo escaped > /host/yoq-escape-test");
            ContainerSpec forged = new ContainerSpec(base.id(), null, base.lowerDirs(), base.command(), List.of(), null, "/", null,
                    Limits.DEFAULT, List.of(new ContainerSpec.Mount(src, "/host", false)), true);
            forgedIds.add(forged.id());
            assertThatThrownBy(() -> client.run(forged)).as(src).isInstanceOf(HelperException.class).hasMessageContaining("mounts: source " + src);
            ContainerSpec rootfsOfHost = new ContainerSpec(newId(), null, List.of(src), List.of("true"), List.of(), null, "/", null,
                    Limits.DEFAULT, List.of(), true);
            forgedIds.add(rootfsOfHost.id());
            assertThatThrownBy(() -> client.run(rootfsOfHost)).as(src).isInstanceOf(HelperException.class)
                    .hasMessageContaining("lower_dirs: rootfs " + src);
        }
        assertThat(Path.of("/yoq-escape-test")).doesNotExist();
        assertThat(client.list()).as("no forged container was created").extracting(ContainerState::id).doesNotContainAnyElementsOf(forgedIds);
    }

    @Test
    void a_forged_spec_asking_for_host_reaching_capabilities_is_refused() {
        ContainerSpec forged = spec(newId(), "true").withCapabilities(dev.yoq.node.protocol.Capabilities.DEFAULT | (1L << 21));
        assertThatThrownBy(() -> client.run(forged)).isInstanceOf(HelperException.class)
                .hasMessageContaining("capabilities: ").hasMessageContaining("reach the host kernel");
    }

    @Test
    void a_working_directory_through_proc_self_fd_is_refused() {
        ContainerSpec base = spec(newId(), "sh", "-c", "pwd");
        ContainerSpec s = new ContainerSpec(base.id(), null, base.lowerDirs(), base.command(), List.of(), null, "/proc/self/fd/3",
                null, Limits.DEFAULT, List.of(), true);
        assertThatThrownBy(() -> client.run(s)).isInstanceOf(HelperException.class)
                .hasMessageContaining("/proc/self/fd/3");
    }

    @Test
    void bind_mounts_are_read_only_by_default() throws IOException {
        Path source = Files.createDirectories(tmp.resolve("data-" + newId()));
        Files.writeString(source.resolve("hello.txt"), "from the host\n");
        ContainerSpec base = spec(newId(), "sh", "-c", "cat /data/hello.txt; touch /data/new && echo writable || echo read-only");
        ContainerSpec s = new ContainerSpec(base.id(), null, base.lowerDirs(), base.command(), List.of(), null, "/", null,
                Limits.DEFAULT, List.of(new ContainerSpec.Mount(source.toString(), "/data", true)), true);
        Finished f = runToEnd(s);
        assertThat(f.log()).contains("from the host").contains("read-only");
        assertThat(source.resolve("new")).doesNotExist();
    }

    @Test
    void removing_a_running_container_is_refused_and_stopped_ones_leave_nothing_behind() throws IOException {
        String id = newId();
        client.run(spec(id, "sleep", "30"));
        assertThatThrownBy(() -> client.remove(id)).isInstanceOf(HelperException.class)
                .hasMessage("cannot remove running container");
        client.stop(id, 100);
        client.remove(id);
        assertThat(helper.data.resolve("containers").resolve(id)).doesNotExist();
        assertThat(helper.log(id)).doesNotExist();
        assertThat(Path.of("/sys/fs/cgroup/memory/yoq", id)).doesNotExist();
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
