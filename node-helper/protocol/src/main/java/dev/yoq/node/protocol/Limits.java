package dev.yoq.node.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Resource limits with the original yoq's defaults and ranges (spec §6.2). {@link #problems()} names every
 * out-of-range field, so the CLI, the server and the helper refuse the same inputs with the same words.
 *
 * @param cpus CPU quota in cores; 0 means no quota
 */
public record Limits(long memoryBytes, long pids, int cpuWeight, double cpus) {

    public static final long DEFAULT_MEMORY = 512L << 20;
    public static final long MIN_MEMORY = 4L << 20;
    public static final long DEFAULT_PIDS = 4096;
    public static final int DEFAULT_CPU_WEIGHT = 100;
    public static final long CPU_PERIOD_US = 100_000;
    public static final Limits DEFAULT = new Limits(DEFAULT_MEMORY, DEFAULT_PIDS, DEFAULT_CPU_WEIGHT, 0);

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (memoryBytes < MIN_MEMORY) problems.add("memory: " + memoryBytes + " bytes is below the minimum of 4 MiB");
        if (pids < 1 || pids > 0xFFFF_FFFFL) problems.add("pids: " + pids + " is out of range (1 to 4294967295)");
        if (cpuWeight < 1 || cpuWeight > 10_000) problems.add("cpu_weight: " + cpuWeight + " is out of range (1 to 10000)");
        if (cpus < 0 || cpus > 1024 || Double.isNaN(cpus)) problems.add("cpus: " + cpus + " is out of range (0 < cpus <= 1024)");
        return problems;
    }

    /** cgroup v2 cpu.max quota in µs per period, or -1 for none. */
    public long cpuQuotaMicros() {
        return cpus > 0 ? Math.max(1000, Math.round(cpus * CPU_PERIOD_US)) : -1;
    }

    /** cgroup v1 cpu.shares for the weight, the inverse of the kernel's shares-to-weight mapping. */
    public long cpuShares() {
        return 2 + ((long) (cpuWeight - 1) * 262_142) / 9_999;
    }
}
