package dev.yoq.manifest;

import dev.yoq.manifest.Manifest.Common;
import dev.yoq.node.protocol.HostPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host-path rule of the hardening issue applied to a manifest whose paths are absolute
 * ({@link ManifestPaths#absolute}): rootfs directories given as {@code image}, bind-mount sources and the paths of
 * host and parallel volumes may not equal, contain or lie inside a protected path. Paths that do not exist (yet)
 * are left to the runtime, which reports them when it starts the workload. Reads the file system (real paths).
 */
public final class HostPathRules {
    public static final String KIND = "ProtectedHostPath";

    private HostPathRules() {}

    /** The errors for {@code m}, each naming its field; empty when every host path may be used. */
    public static List<Problem> check(Manifest m, HostPaths paths) {
        List<Problem> problems = new ArrayList<>();
        m.services().forEach(s -> common("service." + s.name(), s.common(), paths, problems));
        m.workers().forEach(w -> common("worker." + w.name(), w.common(), paths, problems));
        m.crons().forEach(c -> common("cron." + c.name(), c.common(), paths, problems));
        m.trainingJobs().forEach(t -> common("training." + t.name(), t.common(), paths, problems));
        for (Manifest.VolumeDecl v : m.volumes()) {
            if (("host".equals(v.driver()) || "parallel".equals(v.driver())) && v.path() != null) {
                refuse("volume." + v.name() + ".path", "host path", v.path(), paths, problems);
            }
        }
        return problems;
    }

    private static void common(String at, Common c, HostPaths paths, List<Problem> problems) {
        if (c.image() != null && c.image().startsWith("/")) refuse(at + ".image", "rootfs", c.image(), paths, problems);
        for (Manifest.Mount mount : c.volumes()) {
            if ("bind".equals(mount.kind()) && mount.source().startsWith("/")) {
                refuse(at + ".volumes", "bind source", mount.source(), paths, problems);
            }
        }
    }

    private static void refuse(String at, String what, String path, HostPaths paths, List<Problem> problems) {
        if (!Files.exists(Path.of(path))) return;
        paths.refusal(what, path).ifPresent(why -> problems.add(Problem.error(KIND, at, why)));
    }
}
