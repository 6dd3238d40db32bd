package dev.yoq.node;

/**
 * Whether this node's helper answers, and when to start it again (the hardening issue's finding 5: after a
 * kill -9 of yoq-node nobody restarted it). Pure: fed one probe result at a time with the time it was made.
 * The helper is started again after {@value #MISSES_BEFORE_START} missed probes in a row, at most once per
 * {@value #START_INTERVAL_MS} ms (a starting JVM needs about a second before it answers).
 */
public final class HelperWatch {
    static final int MISSES_BEFORE_START = 2;
    static final long START_INTERVAL_MS = 3_000;

    private int misses;
    private long lastStartMs = Long.MIN_VALUE / 2;
    private long unreachableSinceMs = -1;
    private String lastError;
    private long restarts;

    /** What to do after a probe. */
    public enum Action { NOTHING, START_HELPER }

    /** One probe: {@code error} null when the helper answered. */
    public synchronized Action observe(String error, long nowMs, boolean supervised) {
        if (error == null) {
            misses = 0;
            unreachableSinceMs = -1;
            lastError = null;
            return Action.NOTHING;
        }
        misses++;
        lastError = error;
        if (unreachableSinceMs < 0) unreachableSinceMs = nowMs;
        if (!supervised || misses < MISSES_BEFORE_START || nowMs - lastStartMs < START_INTERVAL_MS) return Action.NOTHING;
        lastStartMs = nowMs;
        restarts++;
        return Action.START_HELPER;
    }

    public synchronized boolean reachable() {
        return unreachableSinceMs < 0;
    }

    /** Why the helper is not usable now, for readiness and logs; null when it answers. */
    public synchronized String problem(long nowMs) {
        if (unreachableSinceMs < 0) return null;
        return "node helper not answering for " + (nowMs - unreachableSinceMs) / 1000 + " s: " + lastError;
    }

    /** How often the helper was started again by the server. */
    public synchronized long restarts() {
        return restarts;
    }
}
