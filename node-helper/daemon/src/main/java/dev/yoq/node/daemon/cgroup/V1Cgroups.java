package dev.yoq.node.daemon.cgroup;

import dev.yoq.node.protocol.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * cgroup v1 controllers, one directory per hierarchy ({@code <root>/<controller>/yoq/<id>}): memory, pids, cpu,
 * devices and freezer. On a hybrid host ({@code unified} not null) a v2 directory is added beside them for what
 * only v2 has: per-container PSI and cgroup.kill. Verified on this project's hybrid CI host (see STACK-NOTES).
 */
final class V1Cgroups implements CgroupDriver {
    private static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu", "devices", "freezer");
    /** The device nodes yoq-init creates in /dev, plus the pty devices: everything else is denied. */
    static final List<String> ALLOWED_DEVICES = List.of(
            "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm",
            "c 5:2 rwm", "c 136:* rwm");

    private final Path root;
    private final Path unified;
    private final String parent;

    V1Cgroups(Path root, Path unified, String parent) {
        this.root = root;
        this.unified = unified;
        this.parent = parent;
    }

    @Override
    public CgroupLayout layout() { return unified == null ? CgroupLayout.LEGACY : CgroupLayout.HYBRID; }

    private Path dir(String controller, String id) { return root.resolve(controller).resolve(parent).resolve(id); }

    private Path unifiedDir(String id) { return unified == null ? null : unified.resolve(parent).resolve(id); }

    @Override
    public Placement placement(String id) {
        List<Path> procs = new ArrayList<>();
        for (String controller : CONTROLLERS) procs.add(dir(controller, id).resolve("cgroup.procs"));
        if (unified != null) procs.add(unifiedDir(id).resolve("cgroup.procs"));
        return new Placement(procs, dir("memory", id).resolve("memory.oom_control"), "oom_kill");
    }

    @Override
    public Placement create(String id, Limits limits) throws IOException {
        for (String controller : CONTROLLERS) Files.createDirectories(dir(controller, id));
        if (unified != null) Files.createDirectories(unifiedDir(id));
        Path memory = dir("memory", id);
        CgroupFiles.write(memory.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
        CgroupFiles.write(dir("pids", id).resolve("pids.max"), Long.toString(limits.pids()));
        Path cpu = dir("cpu", id);
        CgroupFiles.write(cpu.resolve("cpu.shares"), Long.toString(limits.cpuShares()));
        CgroupFiles.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(Limits.CPU_PERIOD_US));
        CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuQuotaMicros()));
        Path devices = dir("devices", id);
        CgroupFiles.write(devices.resolve("devices.deny"), "a");
        for (String rule : ALLOWED_DEVICES) CgroupFiles.write(devices.resolve("devices.allow"), rule);
        // No swapping past the limit where the kernel accounts swap (memsw exists only with swap accounting on).
        Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
        if (Files.exists(memsw)) CgroupFiles.write(memsw, Long.toString(limits.memoryBytes()));
        return placement(id);
    }

    @Override
    public void killAll(String id) throws IOException {
        Path v2 = unifiedDir(id);
        if (v2 != null && Files.exists(v2.resolve("cgroup.kill"))) {
            CgroupFiles.write(v2.resolve("cgroup.kill"), "1");
            return;
        }
        // Legacy: freeze so nothing forks while we kill, kill every pid, thaw so the kills are delivered.
        Path freezer = dir("freezer", id);
        CgroupFiles.write(freezer.resolve("freezer.state"), "FROZEN");
        String pids = CgroupFiles.read(freezer.resolve("cgroup.procs"));
        if (pids != null) {
            for (String pid : pids.split("\\s+")) {
                if (!pid.isBlank()) dev.yoq.node.daemon.sys.LibC.signal(Integer.parseInt(pid), dev.yoq.node.daemon.sys.LibC.SIGKILL);
            }
        }
        CgroupFiles.write(freezer.resolve("freezer.state"), "THAWED");
    }

    @Override
    public void remove(String id) throws IOException {
        for (String controller : CONTROLLERS) CgroupFiles.removeDir(dir(controller, id));
        CgroupFiles.removeDir(unifiedDir(id));
    }

    @Override
    public Map<String, Object> stats(String id) {
        Map<String, Object> stats = CgroupFiles.newStats();
        Long memory = CgroupFiles.readLong(dir("memory", id).resolve("memory.usage_in_bytes"));
        if (memory != null) stats.put("memory_bytes", memory);
        Long pids = CgroupFiles.readLong(dir("pids", id).resolve("pids.current"));
        if (pids != null) stats.put("pids", pids);
        CgroupFiles.putPressure(stats, unifiedDir(id));
        CgroupFiles.putCpuUsage(stats, unifiedDir(id));
        return stats;
    }
}
