package dev.yoq.node.daemon.container;

import dev.yoq.node.daemon.cgroup.Placement;
import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.ExecRequest;
import java.nio.file.Path;
import java.util.List;

/**
 * Renders yoq-init's configuration (see node-helper/init/src/config.h): one "key value" line per setting,
 * values escaped so that no value can start a new line. Pure: the same inputs give the same text.
 */
public final class InitConfig {
    /** CHOWN, DAC_OVERRIDE, KILL, SETGID, SETUID, NET_BIND_SERVICE, NET_RAW: the kept set. */
    public static final long KEPT_CAPABILITIES = dev.yoq.node.protocol.Capabilities.DEFAULT;
    /** Log size at which the file moves aside (spec §6.2: 50 MiB). */
    public static final long LOG_MAX_BYTES = 50L << 20;
    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final StringBuilder out = new StringBuilder(1024);

    private InitConfig() {}

    /** With the default node names' namespace path ({@code /run/netns/yoq-<id>}). */
    public static String forRun(ContainerSpec spec, ContainerDirs dirs, Placement placement, Path seccomp, Path log) {
        return forRun(spec, dirs, placement, seccomp, log, Path.of("/run/netns", dev.yoq.node.protocol.NodeNames.DEFAULTS.netns(spec.id())));
    }

    /** The config of a run; {@code netns} is the namespace the helper made for a networked container. */
    public static String forRun(ContainerSpec spec, ContainerDirs dirs, Placement placement, Path seccomp, Path log, Path netns) {
        return forRun(spec, dirs, placement, seccomp, log, netns, null);
    }

    /** {@code secretEnv}: a settings file of secret variables yoq-init reads too (on the container's tmpfs), or null. */
    public static String forRun(ContainerSpec spec, ContainerDirs dirs, Placement placement, Path seccomp, Path log, Path netns,
                                Path secretEnv) {
        InitConfig c = new InitConfig();
        c.put("mode", "run").put("id", spec.id());
        c.put("rootfs", dirs.rootfs().toString());
        for (String lower : spec.lowerDirs()) c.put("lower", lower);
        c.put("upper", dirs.upper().toString()).put("work", dirs.work().toString());
        c.put("hostname", spec.hostname() == null ? spec.id() : spec.hostname());
        if (spec.net() != null) {
            c.put("netns", netns.toString());
            c.put("net_addr", spec.net().address()).put("net_gateway", spec.net().gateway());
            // Names resolve through yoq's resolver on the gateway; the container knows its own name without it.
            c.put("etc_file", "resolv.conf\tnameserver " + spec.net().gateway() + "\n");
            String host = spec.hostname() == null ? spec.id() : spec.hostname();
            c.put("etc_file", "hosts\t127.0.0.1\tlocalhost\n" + spec.net().ip() + "\t" + host + "\n");
        }
        if (spec.userNamespace()) c.userns(spec);
        c.placement(placement);
        for (ContainerSpec.Mount m : spec.mounts()) c.put("bind", (m.readOnly() ? "ro" : "rw") + "\t" + m.source() + "\t" + m.target());
        c.put("rlimit", "nofile 1024 1048576");
        c.put("cwd", spec.workingDir() == null || spec.workingDir().isBlank() ? "/" : spec.workingDir());
        if (spec.user() != null && !spec.user().isBlank()) c.put("user", spec.user());
        c.common(seccomp, spec.capabilityMask(), withDefaultPath(spec.env()), spec.command());
        if (secretEnv != null) c.put("include", secretEnv.toString());
        c.put("log", log.toString()).put("log_max", Long.toString(LOG_MAX_BYTES));
        c.put("state_dir", dirs.root().toString());
        return c.out.toString();
    }

    public static String forExec(ExecRequest request, int containerPid, Placement placement, Path seccomp, ContainerSpec spec) {
        return forExec(request, containerPid, placement, seccomp, spec, null);
    }

    /** {@code secretEnv}: the container's secret variables (its tmpfs's file), which an exec'd process sees as its init did. */
    public static String forExec(ExecRequest request, int containerPid, Placement placement, Path seccomp, ContainerSpec spec, Path secretEnv) {
        InitConfig c = new InitConfig();
        c.put("mode", "exec").put("id", request.id()).put("target_pid", Integer.toString(containerPid));
        if (spec.userNamespace()) c.userns(spec);
        String user = spec.user();
        c.placement(placement);
        c.put("cwd", request.workingDir());
        if (user != null && !user.isBlank()) c.put("user", user);
        c.common(seccomp, spec.capabilityMask(), request.env(), request.command());
        if (secretEnv != null) c.put("include", secretEnv.toString());
        return c.out.toString();
    }

    private void userns(ContainerSpec spec) {
        long base = spec.userNamespaceBase();
        put("userns", base + " " + base + " " + ContainerSpec.USERNS_RANGE);
    }

    private void placement(Placement placement) {
        for (Path procs : placement.procsFiles()) put("cgroup_procs", procs.toString());
        put("oom_file", placement.oomCounterFile().toString()).put("oom_key", placement.oomCounterKey());
    }

    /** An exec'd process gets the container's own capability set, never more. */
    private void common(Path seccomp, long caps, List<String> env, List<String> command) {
        put("caps", Long.toHexString(caps));
        if (seccomp != null) put("seccomp", seccomp.toString());
        for (String e : env) put("env", e);
        for (String arg : command) put("arg", arg);
    }

    /** Like Docker: a container without PATH gets the standard one, so "sh" finds /bin/sh. */
    static List<String> withDefaultPath(List<String> env) {
        if (env.stream().anyMatch(e -> e.startsWith("PATH="))) return env;
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(DEFAULT_PATH), env.stream()).toList();
    }

    private InitConfig put(String key, String value) {
        out.append(key).append(' ').append(escape(value)).append('\n');
        return this;
    }

    static String escape(String value) {
        StringBuilder b = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\0' -> throw new IllegalArgumentException("NUL byte in a container setting");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
