package dev.yoq.node.daemon.container;

import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.HelperError;
import dev.yoq.node.protocol.HostPaths;
import dev.yoq.node.protocol.HelperException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The helper's own checks of a spec. The server validates first and gives users friendlier words; the helper
 * checks again because it runs as root and must never act on a forged or corrupt request.
 */
public final class SpecRules {
    static final Pattern ID = Pattern.compile("[0-9a-f]{1,64}");
    static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    static final int MAX_LIST = 256;
    /** Bind targets that would replace what the container runtime itself sets up or what identity rests on. */
    static final List<String> FORBIDDEN_TARGETS = List.of("/", "/etc", "/root", "/proc", "/sys", "/dev");

    private SpecRules() {}

    public static void requireValidId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new HelperException(HelperError.INVALID, "invalid container id: " + id);
        }
    }

    static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    /** The address goes into yoq-init's config and the port numbers into nftables: both must be exactly numbers. */
    static List<String> netProblems(ContainerSpec.Net net) {
        List<String> problems = new ArrayList<>();
        String[] cidr = net.address() == null ? new String[0] : net.address().split("/", -1);
        if (cidr.length != 2 || !IPV4.matcher(cidr[0]).matches() || !cidr[1].matches("[1-9]|[12][0-9]|3[0-2]")) {
            problems.add("net.address: " + net.address() + " is not an IPv4 address with a prefix length");
        }
        if (net.gateway() == null || !IPV4.matcher(net.gateway()).matches()) problems.add("net.gateway: " + net.gateway() + " is not an IPv4 address");
        if (net.ports().size() > MAX_LIST) problems.add("net.ports: more than " + MAX_LIST);
        return problems;
    }

    /**
     * Checks a spec; rootfs directories and mount sources must pass {@code hostPaths} (image layers unpacked by
     * this helper under {@code layers} are its own and pass).
     */
    public static void check(ContainerSpec spec, HostPaths hostPaths, Path layers) {
        requireValidId(spec.id());
        List<String> problems = new ArrayList<>(spec.limits().problems());
        if (spec.lowerDirs().isEmpty()) problems.add("lower_dirs: at least one root filesystem layer is needed");
        for (String lower : spec.lowerDirs()) {
            if (!isCleanAbsolute(lower)) problems.add("lower_dirs: " + lower + " is not a clean absolute path");
            else if (!Files.isDirectory(Path.of(lower))) problems.add("lower_dirs: " + lower + " is not a directory");
            else if (!Path.of(lower).startsWith(layers)) hostPaths.refusal("rootfs", lower).ifPresent(why -> problems.add("lower_dirs: " + why));
        }
        if (spec.command().isEmpty()) problems.add("command: empty");
        if (spec.command().size() > MAX_LIST) problems.add("command: more than " + MAX_LIST + " arguments");
        if (spec.env().size() > MAX_LIST) problems.add("env: more than " + MAX_LIST + " entries");
        for (String e : spec.env()) if (e.indexOf('=') < 1) problems.add("env: " + e + " is not KEY=VALUE");
        if (spec.hostname() != null && !HOSTNAME.matcher(spec.hostname()).matches()) problems.add("hostname: " + spec.hostname() + " is not a DNS label");
        if (spec.workingDir() != null && !spec.workingDir().isEmpty() && !spec.workingDir().startsWith("/")) problems.add("working_dir: " + spec.workingDir() + " is not absolute");
        if (spec.net() != null) problems.addAll(netProblems(spec.net()));
        if (spec.capabilities() != null && !dev.yoq.node.protocol.Capabilities.allowed(spec.capabilities())) {
            problems.add("capabilities: " + Long.toHexString(spec.capabilities()) + " asks for capabilities that reach the host kernel");
        }
        if (spec.mounts().size() > MAX_LIST) problems.add("mounts: more than " + MAX_LIST);
        for (ContainerSpec.Mount m : spec.mounts()) {
            if (!isCleanAbsolute(m.source())) problems.add("mounts: source " + m.source() + " is not a clean absolute path");
            else hostPaths.refusal("source", m.source()).ifPresent(why -> problems.add("mounts: " + why));
            if (!isCleanAbsolute(m.target())) problems.add("mounts: target " + m.target() + " is not a clean absolute path");
            else if (FORBIDDEN_TARGETS.contains(m.target()) || m.target().startsWith("/proc/") || m.target().startsWith("/sys/")) {
                problems.add("mounts: bind mount onto " + m.target() + " is not allowed");
            }
        }
        if (!problems.isEmpty()) throw new HelperException(HelperError.INVALID, String.join("; ", problems));
    }

    /** Absolute, no "." or ".." components, no control characters (they would break yoq-init's config lines). */
    static boolean isCleanAbsolute(String path) {
        if (path == null || !path.startsWith("/") || path.chars().anyMatch(c -> c < 0x20)) return false;
        for (String part : path.split("/")) if (part.equals(".") || part.equals("..")) return false;
        return true;
    }
}
