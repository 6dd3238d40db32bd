package dev.yoq.app;

/**
 * One service instance's health (spec §3.6) as a pure state machine over probe results and simulated time:
 * {@code starting → healthy} on the first success after the start period; {@code starting/healthy →
 * unhealthy} after {@code retries} consecutive failures; {@code unhealthy → healthy} on one success. The next
 * probe comes after the interval; while unhealthy the delay doubles per failure (×2, ×4, ×8 at most), capped at
 * 60 s, plus a deterministic jitter (up to 10 % of the delay, from the instance's key) so that many instances
 * do not probe in lockstep.
 */
public record HealthState(String status, int consecutiveFailures, int unhealthyFailures, long nextProbeAtMs) {
    public static final String STARTING = "starting", HEALTHY = "healthy", UNHEALTHY = "unhealthy";
    static final long MAX_DELAY_MS = 60_000;

    /** The check's settings in milliseconds (spec defaults: 10 s, 5 s, 3, 0). */
    public record Check(long intervalMs, long timeoutMs, int retries, long startPeriodMs) {
        public static final Check DEFAULT = new Check(10_000, 5_000, 3, 0);
    }

    /** A new instance started at {@code startedAtMs}: first probe once its start period is over. */
    public static HealthState start(Check check, long startedAtMs) {
        return new HealthState(STARTING, 0, 0, startedAtMs + check.startPeriodMs());
    }

    /** The state after one probe finished at {@code nowMs}; {@code key} seeds the jitter. */
    public HealthState after(boolean success, Check check, long nowMs, String key) {
        if (success) return new HealthState(HEALTHY, 0, 0, nowMs + check.intervalMs());
        int failures = consecutiveFailures + 1;
        if (failures < check.retries() && !UNHEALTHY.equals(status)) {
            return new HealthState(status, failures, 0, nowMs + check.intervalMs());
        }
        int streak = UNHEALTHY.equals(status) ? unhealthyFailures + 1 : 1;
        long factor = 1L << Math.min(3, streak);   // ×2, ×4, ×8 at most
        long delay = Math.min(MAX_DELAY_MS, check.intervalMs() * factor);
        return new HealthState(UNHEALTHY, failures, streak, nowMs + delay + jitter(key, delay));
    }

    public boolean ready() { return HEALTHY.equals(status); }

    /** The same state with its next probe due now (a container found running after a server restart). */
    public HealthState probeNow() {
        return new HealthState(status, consecutiveFailures, unhealthyFailures, 0);
    }

    static long jitter(String key, long delay) {
        long h = 1125899906842597L;
        for (int i = 0; i < key.length(); i++) h = 31 * h + key.charAt(i);
        return Math.floorMod(h, Math.max(1, delay / 10));
    }
}
