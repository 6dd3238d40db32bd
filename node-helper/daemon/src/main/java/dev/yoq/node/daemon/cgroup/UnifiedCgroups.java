package dev.yoq.node.daemon.cgroup;

import dev.yoq.node.protocol.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * cgroup v2 only ({@code <root>/yoq/<id>}): memory.max, pids.max, cpu.weight, cpu.max; OOM kills counted in
 * memory.events. Not exercised on the CI host (hybrid); its file writes are unit-tested against a fake tree.
 * Device rules on v2 need a BPF_PROG_TYPE_CGROUP_DEVICE program, which is not built yet: on a v2 host
 * containers rely on their /dev (only the nodes yoq-init creates) and the missing CAP_MKNOD.
 */
final class UnifiedCgroups implements CgroupDriver {
    private final Path root;
    private final Path parent;

    UnifiedCgroups(Path parent, Path root) {
        this.root = root;
        this.parent = parent;
    }

    @Override
    public CgroupLayout layout() { return CgroupLayout.UNIFIED; }

    private Path dir(String id) { return parent.resolve(id); }

    @Override
    public Placement create(String id, Limits limits) throws IOException {
        Files.createDirectories(parent);
        // Controllers must be enabled on the way down before a child can use them.
        CgroupFiles.write(root.resolve("cgroup.subtree_control"), "+memory +pids +cpu");
        CgroupFiles.write(parent.resolve("cgroup.subtree_control"), "+memory +pids +cpu");
        Path dir = dir(id);
        Files.createDirectories(dir);
        CgroupFiles.write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
        CgroupFiles.write(dir.resolve("pids.max"), Long.toString(limits.pids()));
        CgroupFiles.write(dir.resolve("cpu.weight"), Integer.toString(limits.cpuWeight()));
        long quota = limits.cpuQuotaMicros();
        CgroupFiles.write(dir.resolve("cpu.max"), (quota < 0 ? "max" : Long.toString(quota)) + " " + Limits.CPU_PERIOD_US);
        return placement(id);
    }

    @Override
    public Placement placement(String id) {
        return new Placement(List.of(dir(id).resolve("cgroup.procs")), dir(id).resolve("memory.events"), "oom_kill");
    }

    @Override
    public void killAll(String id) throws IOException {
        CgroupFiles.write(dir(id).resolve("cgroup.kill"), "1");
    }

    @Override
    public void remove(String id) throws IOException {
        CgroupFiles.removeDir(dir(id));
    }

    @Override
    public Map<String, Object> stats(String id) {
        Map<String, Object> stats = CgroupFiles.newStats();
        Long memory = CgroupFiles.readLong(dir(id).resolve("memory.current"));
        if (memory != null) stats.put("memory_bytes", memory);
        Long pids = CgroupFiles.readLong(dir(id).resolve("pids.current"));
        if (pids != null) stats.put("pids", pids);
        CgroupFiles.putPressure(stats, dir(id));
        CgroupFiles.putCpuUsage(stats, dir(id));
        return stats;
    }
}
