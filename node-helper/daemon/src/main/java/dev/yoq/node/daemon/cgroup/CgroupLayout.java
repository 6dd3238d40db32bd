package dev.yoq.node.daemon.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The three ways a host mounts cgroups, detected once at helper start and reported by {@code yoq doctor}:
 * unified v2 (modern hosts), hybrid (v1 controllers plus a v2 tree at {@code unified/}: this project's CI) and
 * legacy v1 only.
 */
public enum CgroupLayout {
    UNIFIED, HYBRID, LEGACY;

    /** Looks at a cgroup root such as /sys/fs/cgroup. A v2 root has cgroup.controllers at its top. */
    public static CgroupLayout detect(Path root) {
        if (Files.exists(root.resolve("cgroup.controllers"))) return UNIFIED;
        if (Files.exists(root.resolve("unified").resolve("cgroup.controllers"))) return HYBRID;
        return LEGACY;
    }

    public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
