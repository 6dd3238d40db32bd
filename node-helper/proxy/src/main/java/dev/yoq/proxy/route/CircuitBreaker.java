package dev.yoq.proxy.route;

/**
 * One upstream endpoint's circuit (§3.9): {@code threshold} consecutive failures open it; after {@code openMs} it
 * is half-open and lets exactly one probe through; the probe's success closes it, its failure opens it again.
 * Pure state with the clock passed in; callers synchronize (one instance per endpoint).
 */
public final class CircuitBreaker {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private State state = State.CLOSED;
    private int failures;
    private long openedAt;
    private boolean probeInFlight;
    private long trips;

    /** May a request go to this endpoint now? In half-open, true once (that request is the probe). */
    public synchronized boolean tryAcquire(long nowMs, long openMs) {
        if (state == State.OPEN && nowMs - openedAt >= openMs) {
            state = State.HALF_OPEN;
            probeInFlight = false;
        }
        if (state == State.CLOSED) return true;
        if (state == State.HALF_OPEN && !probeInFlight) {
            probeInFlight = true;
            return true;
        }
        return false;
    }

    public synchronized void success() {
        state = State.CLOSED;
        failures = 0;
        probeInFlight = false;
    }

    /** A failure; true when it opened the circuit (a trip). */
    public synchronized boolean failure(long nowMs, int threshold) {
        failures++;
        probeInFlight = false;
        if (state == State.HALF_OPEN || (state == State.CLOSED && failures >= threshold)) {
            state = State.OPEN;
            openedAt = nowMs;
            trips++;
            return true;
        }
        return false;
    }

    public synchronized State state() {
        return state;
    }

    public synchronized long trips() {
        return trips;
    }
}
