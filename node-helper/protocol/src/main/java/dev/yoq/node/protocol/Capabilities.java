package dev.yoq.node.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A container's capability set: the default kept set, and what {@code cap_add} / {@code cap_drop} (manifest) and
 * {@code --cap-add} / {@code --cap-drop} (yoq run) may change. Only capabilities that stay inside the container's
 * own namespaces may be added: the ones that reach the host kernel (SYS_ADMIN, SYS_MODULE, SYS_RAWIO, SYS_PTRACE,
 * DAC_READ_SEARCH, BPF, ...) are refused by name, so a token holder cannot ask for the host. The server checks
 * it and the helper checks the resulting mask again.
 */
public final class Capabilities {
    private static final Map<String, Integer> BITS = new LinkedHashMap<>();

    static {
        String[] names = {"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
                "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE",
                "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
                "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
                "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE"};
        for (int i = 0; i < names.length; i++) BITS.put(names[i], i);
    }

    /** The runtime issue's kept set: CHOWN DAC_OVERRIDE KILL SETGID SETUID NET_BIND_SERVICE NET_RAW. */
    public static final long DEFAULT = mask(List.of("CHOWN", "DAC_OVERRIDE", "KILL", "SETGID", "SETUID", "NET_BIND_SERVICE", "NET_RAW"));
    /** What may be added: effects confined to the container's own files, processes and network namespace. */
    public static final long ADDABLE = DEFAULT | mask(List.of("AUDIT_WRITE", "FOWNER", "FSETID", "IPC_LOCK", "MKNOD", "NET_ADMIN",
            "NET_BROADCAST", "SETFCAP", "SETPCAP", "SYS_CHROOT"));

    private Capabilities() {}

    /**
     * The mask for the default set plus {@code add} minus {@code drop}; names in any case, with or without
     * {@code CAP_}, {@code ALL} in drop drops everything. Throws naming each bad entry.
     */
    public static long of(Collection<String> add, Collection<String> drop) {
        List<String> problems = new ArrayList<>();
        long mask = DEFAULT;
        for (String a : add) {
            String n = normalize(a);
            Integer bit = BITS.get(n);
            if (bit == null) problems.add("cap_add: unknown capability " + a);
            else if ((ADDABLE & (1L << bit)) == 0) problems.add("cap_add: " + n + " reaches the host kernel and is not allowed");
            else mask |= 1L << bit;
        }
        for (String d : drop) {
            String n = normalize(d);
            if (n.equals("ALL")) mask = 0;
            else if (BITS.get(n) == null) problems.add("cap_drop: unknown capability " + d);
        }
        for (String d : drop) {
            Integer bit = BITS.get(normalize(d));
            if (bit != null) mask &= ~(1L << bit);
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
        return mask;
    }

    /** Whether a mask asks only for addable capabilities (the helper's check of what the server sent). */
    public static boolean allowed(long mask) {
        return (mask & ~ADDABLE) == 0;
    }

    private static String normalize(String name) {
        String n = name == null ? "" : name.strip().toUpperCase(Locale.ROOT);
        return n.startsWith("CAP_") ? n.substring(4) : n;
    }

    static long mask(List<String> names) {
        long m = 0;
        for (String n : names) m |= 1L << BITS.get(n);
        return m;
    }
}
