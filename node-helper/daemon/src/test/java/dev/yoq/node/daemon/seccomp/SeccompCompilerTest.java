package dev.yoq.node.daemon.seccomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeccompCompilerTest {
    @TempDir Path dir;

    @Test
    void the_default_policy_keeps_dockers_meaning_with_ptrace_denied() {
        SeccompPolicy policy = SeccompPolicy.parse(SeccompPolicy.defaultPolicyBytes());
        assertThat(policy.defaultErrno()).isEqualTo(1);
        assertThat(policy.allow()).contains("read", "write", "execve", "close_range", "io_uring_setup")
                .doesNotContain("mount", "umount2", "unshare", "keyctl", "ptrace", "process_vm_readv", "process_vm_writev",
                        "bpf", "perf_event_open", "kexec_load", "reboot", "init_module", "pivot_root", "setns", "clone3",
                        "userfaultfd", "open_by_handle_at", "add_key", "request_key");
        assertThat(policy.allowIf()).anyMatch(r -> r.syscall().equals("clone") && r.op().equals("masked_eq") && r.mask() == 0x7E020000L);
        assertThat(policy.allowIf()).anyMatch(r -> r.syscall().equals("socket") && r.op().equals("ne") && r.value() == 40);
        assertThat(policy.errno()).anyMatch(r -> r.syscall().equals("clone3") && r.errno() == 38);
    }

    @Test
    void compiles_once_and_reuses_the_cached_program() throws Exception {
        assumeLibseccomp();
        SeccompCompiler compiler = new SeccompCompiler(dir);
        byte[] policy = SeccompPolicy.defaultPolicyBytes();
        Path first = compiler.compiled(policy);
        long size = Files.size(first);
        assertThat(size).isPositive();
        assertThat(size % 8).as("a whole number of struct sock_filter").isZero();
        var modified = Files.getLastModifiedTime(first);
        Thread.sleep(20);
        assertThat(compiler.compiled(policy)).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(first)).isEqualTo(modified);
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(first);
        }
    }

    @Test
    void a_different_policy_gets_its_own_program() throws Exception {
        assumeLibseccomp();
        SeccompCompiler compiler = new SeccompCompiler(dir);
        Path small = compiler.compiled("{\"default_errno\":1,\"allow\":[\"read\",\"exit\"],\"allow_if\":[],\"errno\":[],\"arch_allow\":{}}".getBytes());
        Path full = compiler.compiled(SeccompPolicy.defaultPolicyBytes());
        assertThat(small).isNotEqualTo(full);
        assertThat(Files.size(small)).isLessThan(Files.size(full));
    }

    private static void assumeLibseccomp() {
        boolean present = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libseccomp.so.2"));
        if (!present) System.err.println("*** SKIPPED seccomp compilation test: libseccomp2 is not installed ***");
        assumeTrue(present);
    }
}
