package dev.yoq.node.daemon.seccomp;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/** libseccomp 2.5 (Debian package libseccomp2), used only to compile policies to BPF. */
interface LibSeccomp extends Library {
    LibSeccomp INSTANCE = Native.load("seccomp", LibSeccomp.class);

    int SCMP_ACT_KILL_PROCESS = 0x80000000;
    int SCMP_ACT_ALLOW = 0x7fff0000;
    int SCMP_FLTATR_ACT_BADARCH = 2;
    int SCMP_CMP_NE = 1;
    int SCMP_CMP_EQ = 4;
    int SCMP_CMP_MASKED_EQ = 7;
    int NR_SCMP_ERROR = -1;

    static int actErrno(int errno) { return 0x00050000 | (errno & 0xffff); }

    Pointer seccomp_init(int defaultAction);

    void seccomp_release(Pointer ctx);

    int seccomp_attr_set(Pointer ctx, int attr, int value);

    int seccomp_syscall_resolve_name(String name);

    int seccomp_rule_add_array(Pointer ctx, int action, int syscall, int argCount, ArgCmp[] args);

    int seccomp_export_bpf(Pointer ctx, int fd);

    @Structure.FieldOrder({"arg", "op", "datum_a", "datum_b"})
    class ArgCmp extends Structure {
        public int arg;
        public int op;
        public long datum_a;
        public long datum_b;
    }
}
