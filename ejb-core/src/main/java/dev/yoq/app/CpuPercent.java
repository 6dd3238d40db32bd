package dev.yoq.app;

/** CPU % of one core between two readings of a cgroup's CPU time (100 = one core busy). Pure. */
public final class CpuPercent {
    private CpuPercent() {}

    /** Null when there is no earlier reading, time did not pass, or the counter went back (a new cgroup). */
    public static Double between(Long usageBeforeNs, long atBeforeMs, Long usageNowNs, long atNowMs) {
        if (usageBeforeNs == null || usageNowNs == null || atNowMs <= atBeforeMs || usageNowNs < usageBeforeNs) return null;
        return (usageNowNs - usageBeforeNs) / 1e6 / (atNowMs - atBeforeMs) * 100.0;
    }
}
