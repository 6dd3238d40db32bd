package dev.yoq.node.daemon.seccomp;

import com.sun.jna.Pointer;
import dev.yoq.node.daemon.sys.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Compiles a policy to a raw BPF program (an array of struct sock_filter) that yoq-init installs as is. The
 * result is cached in {@code dir} under the SHA-256 of the policy text and the architecture, so a policy is
 * compiled once per helper installation, not once per container.
 */
public final class SeccompCompiler {
    private final Path dir;

    public SeccompCompiler(Path dir) { this.dir = dir; }

    /** The compiled program for these policy bytes, compiling it only if it is not cached yet. */
    public synchronized Path compiled(byte[] policyJson) throws IOException {
        String arch = System.getProperty("os.arch");
        Path target = dir.resolve(sha256(policyJson, arch) + ".bpf");
        if (Files.exists(target)) return target;
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".compile-", ".tmp");
        try {
            compile(SeccompPolicy.parse(policyJson), arch, tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    static void compile(SeccompPolicy policy, String arch, Path out) throws IOException {
        LibSeccomp lib = LibSeccomp.INSTANCE;
        Pointer ctx = lib.seccomp_init(LibSeccomp.actErrno(policy.defaultErrno()));
        if (ctx == null) throw new IOException("seccomp_init failed");
        try {
            check(lib.seccomp_attr_set(ctx, LibSeccomp.SCMP_FLTATR_ACT_BADARCH, LibSeccomp.SCMP_ACT_KILL_PROCESS), "bad-arch action");
            for (String name : policy.allow()) add(ctx, LibSeccomp.SCMP_ACT_ALLOW, name, null);
            List<String> archSpecific = policy.archAllow().getOrDefault(archName(arch), List.of());
            for (String name : archSpecific) add(ctx, LibSeccomp.SCMP_ACT_ALLOW, name, null);
            for (SeccompPolicy.ArgRule rule : policy.allowIf()) add(ctx, LibSeccomp.SCMP_ACT_ALLOW, rule.syscall(), rule);
            for (SeccompPolicy.ErrnoRule rule : policy.errno()) add(ctx, LibSeccomp.actErrno(rule.errno()), rule.syscall(), null);
            int fd = LibC.INSTANCE.open(out.toString(), LibC.O_WRONLY | LibC.O_TRUNC | LibC.O_CLOEXEC, 0600);
            try {
                check(lib.seccomp_export_bpf(ctx, fd), "export");
            } finally {
                LibC.INSTANCE.close(fd);
            }
        } finally {
            lib.seccomp_release(ctx);
        }
    }

    private static void add(Pointer ctx, int action, String name, SeccompPolicy.ArgRule rule) throws IOException {
        LibSeccomp lib = LibSeccomp.INSTANCE;
        int nr = lib.seccomp_syscall_resolve_name(name);
        if (nr == LibSeccomp.NR_SCMP_ERROR) return;   // not a syscall of this architecture (e.g. chown32 on x86_64)
        if (rule == null) {
            check(lib.seccomp_rule_add_array(ctx, action, nr, 0, null), name);
            return;
        }
        LibSeccomp.ArgCmp cmp = new LibSeccomp.ArgCmp();
        LibSeccomp.ArgCmp[] one = (LibSeccomp.ArgCmp[]) cmp.toArray(1);
        one[0].arg = rule.arg();
        switch (rule.op()) {
            case "eq" -> { one[0].op = LibSeccomp.SCMP_CMP_EQ; one[0].datum_a = rule.value(); }
            case "ne" -> { one[0].op = LibSeccomp.SCMP_CMP_NE; one[0].datum_a = rule.value(); }
            case "masked_eq" -> { one[0].op = LibSeccomp.SCMP_CMP_MASKED_EQ; one[0].datum_a = rule.mask(); one[0].datum_b = rule.value(); }
            default -> throw new IOException("seccomp rule for " + name + ": unknown op " + rule.op());
        }
        check(lib.seccomp_rule_add_array(ctx, action, nr, 1, one), name);
    }

    private static void check(int rc, String what) throws IOException {
        if (rc < 0) throw new IOException("seccomp " + what + ": error " + (-rc));
    }

    private static String archName(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "aarch64";
            default -> osArch;
        };
    }

    static String sha256(byte[] policy, String arch) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(policy);
            md.update(arch.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
