package dev.yoq.runtime;

import dev.yoq.node.protocol.Capabilities;
import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.HostPaths;
import dev.yoq.node.protocol.Limits;
import dev.yoq.node.protocol.PortMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a {@link RunRequest} against the original yoq's rules (spec §1.1, §6.1, §6.2) and turns it into the
 * helper's {@link ContainerSpec}. Every problem is reported, each naming its field.
 */
public final class RunRequestRules {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    static final String DEFAULT_HOSTNAME = "container";

    private RunRequestRules() {}

    /** Every problem of {@code r}; host paths (volume sources, a rootfs) are checked against {@code hostPaths}. */
    public static List<String> problems(HostPaths hostPaths, RunRequest r) {
        List<String> problems = new ArrayList<>();
        if (r.target() == null || r.target().isBlank()) {
            problems.add("target: missing (give an image or a rootfs directory)");
        } else if (isPath(r.target())) {
            if (!Files.isDirectory(Path.of(r.target()))) problems.add("target: rootfs directory " + r.target() + " does not exist");
            else hostPaths.refusal("rootfs", r.target()).ifPresent(why -> problems.add("target: " + why));
            if (r.command().isEmpty()) problems.add("command: missing (a rootfs has no default command; give one after the target)");
        } else {
            try {
                dev.yoq.image.ImageReference.parse(r.target());
            } catch (IllegalArgumentException e) {
                problems.add("target: " + e.getMessage());
            }
        }
        if (r.command().size() > 256) problems.add("command: more than 256 arguments");
        if (r.name() != null && !NAME.matcher(r.name()).matches()) {
            problems.add("name: " + r.name() + " must be 1-63 characters of A-Z a-z 0-9 and -, not starting or ending with -");
        }
        if (r.env().size() > 256) problems.add("env: more than 256 entries");
        for (String e : r.env()) if (e.indexOf('=') < 1) problems.add("env: " + e + " must be KEY=VALUE");
        for (RunRequest.Volume v : r.volumes()) problems.addAll(volumeProblems(v, hostPaths));
        for (String p : r.ports()) {
            try {
                PortMapping.parse(p);
            } catch (IllegalArgumentException e) {
                problems.add("ports: " + e.getMessage());
            }
        }
        if (!r.ports().isEmpty() && Boolean.FALSE.equals(r.network())) problems.add("ports: a --no-net container cannot publish ports");
        if (r.cpus() != null && !(r.cpus() > 0)) problems.add("cpus: " + r.cpus() + " is out of range (0 < cpus <= 1024)");
        else problems.addAll(limits(r).problems());
        try {
            Capabilities.of(r.capAdd(), r.capDrop());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        try {
            RestartPolicy.parse(r.restart());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    static List<String> volumeProblems(RunRequest.Volume v, HostPaths hostPaths) {
        List<String> problems = new ArrayList<>();
        String src = v.source();
        if (src == null || !src.startsWith("/")) {
            problems.add("volume: source " + src + " must be an absolute host path");
            return problems;
        }
        hostPaths.refusal("source", src).ifPresent(why -> problems.add("volume: " + why));
        if (v.target() == null || !v.target().startsWith("/") || v.target().contains("/../") || v.target().endsWith("/..")) {
            problems.add("volume: target " + v.target() + " must be an absolute container path without ..");
        }
        return problems;
    }

    public static Limits limits(RunRequest r) {
        return new Limits(
                r.memoryBytes() == null ? Limits.DEFAULT_MEMORY : r.memoryBytes(),
                r.pids() == null ? Limits.DEFAULT_PIDS : r.pids(),
                r.cpuWeight() == null ? Limits.DEFAULT_CPU_WEIGHT : r.cpuWeight(),
                r.cpus() == null ? 0 : r.cpus());
    }

    /** A rootfs directory (what the original accepted: /…, ./…, ../…, . or ..), as opposed to an image reference. */
    public static boolean isPath(String target) {
        return target.startsWith("/") || target.startsWith("./") || target.startsWith("../") || target.equals(".") || target.equals("..");
    }

    /** The helper's spec for a valid request; {@code image} is null for a rootfs target. */
    public static ContainerSpec toSpec(String id, RunRequest r, dev.yoq.image.ImageService.Resolved image) throws java.io.IOException {
        return toSpec(id, r, image, null, null);
    }

    /** As above, with an app workload's hostname and working directory (null: the defaults). */
    public static ContainerSpec toSpec(String id, RunRequest r, dev.yoq.image.ImageService.Resolved image, String hostname,
                                       String workingDir) throws java.io.IOException {
        List<ContainerSpec.Mount> mounts = new ArrayList<>();
        for (RunRequest.Volume v : r.volumes()) {
            mounts.add(new ContainerSpec.Mount(Path.of(v.source()).toRealPath().toString(), v.target(), !Boolean.FALSE.equals(v.readOnly())));
        }
        List<String> lower = image != null ? image.lowerDirs() : List.of(Path.of(r.target()).toRealPath().toString());
        List<String> command = image != null ? image.config().command(r.command()) : r.command();
        if (command.isEmpty()) throw new IllegalArgumentException("command: the image has no Entrypoint or Cmd; give one after the image");
        List<String> env = image != null ? image.config().environment(r.env()) : r.env();
        String cwd = workingDir != null ? workingDir
                : image != null && !image.config().workingDir().isEmpty() ? image.config().workingDir() : "/";
        String user = image != null && !image.config().user().isEmpty() ? image.config().user() : null;
        long caps = Capabilities.of(r.capAdd(), r.capDrop());
        return new ContainerSpec(id, r.name(), lower, command, env, hostname != null ? hostname : hostname(r), cwd, user, limits(r),
                mounts, !Boolean.FALSE.equals(r.network()), Boolean.TRUE.equals(r.userNamespace()))
                .withCapabilities(caps == Capabilities.DEFAULT ? null : caps);
    }

    public static List<PortMapping> ports(RunRequest r) {
        return r.ports().stream().map(PortMapping::parse).toList();
    }

    public static String hostname(RunRequest r) { return r.name() != null ? r.name() : DEFAULT_HOSTNAME; }
}
