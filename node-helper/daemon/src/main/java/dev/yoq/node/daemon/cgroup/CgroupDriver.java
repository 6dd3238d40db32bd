package dev.yoq.node.daemon.cgroup;

import dev.yoq.node.protocol.Limits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * One container's cgroups, whatever the host layout. All drivers apply the same {@link Limits} with the same
 * defaults; the layout only changes file names. Directories live under {@code <root>/.../yoq/<id>}.
 */
public interface CgroupDriver {

    CgroupLayout layout();

    /** Creates the container's cgroups with its limits applied, before any process is in them. */
    Placement create(String id, Limits limits) throws IOException;

    /** The files a process is placed with, for a container whose cgroups exist (exec joins them). */
    Placement placement(String id);

    /** SIGKILLs every process in the container's cgroups (cgroup.kill where the kernel has it). */
    void killAll(String id) throws IOException;

    /** Removes the container's (empty) cgroups; missing ones are fine. */
    void remove(String id) throws IOException;

    /** Current usage and pressure: memory_bytes, pids, and {cpu,memory,io}_pressure (avg10 "some") where known. */
    Map<String, Object> stats(String id);

    static CgroupDriver forHost(Path root) {
        return forHost(root, "yoq");
    }

    /** The driver for this host's layout, with containers under {@code parent} in each hierarchy (yoq.cgroup.parent). */
    static CgroupDriver forHost(Path root, String parent) {
        return switch (CgroupLayout.detect(root)) {
            case UNIFIED -> new UnifiedCgroups(root.resolve(parent), root);
            case HYBRID -> new V1Cgroups(root, root.resolve("unified"), parent);
            case LEGACY -> new V1Cgroups(root, null, parent);
        };
    }
}
