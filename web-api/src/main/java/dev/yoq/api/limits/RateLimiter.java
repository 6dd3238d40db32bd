package dev.yoq.api.limits;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The original's per-client limit: a fixed one-second window, more than {@code perSecond} requests from one
 * address in the same second are refused. Unlike the original's 64-slot table it never refuses a new address
 * because the table is full: stale windows are dropped instead.
 */
public final class RateLimiter {

    private static final int PRUNE_ABOVE = 4096;

    private record Window(long second, int count) {
    }

    private final int perSecond;
    private final LongSupplier clockMillis;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** {@code perSecond <= 0} disables the limit. */
    public RateLimiter(int perSecond, LongSupplier clockMillis) {
        this.perSecond = perSecond;
        this.clockMillis = clockMillis;
    }

    /** Counts one request from {@code client}; false when it is over the limit for the current second. */
    public boolean allow(String client) {
        if (perSecond <= 0) {
            return true;
        }
        long second = clockMillis.getAsLong() / 1000;
        Window w = windows.compute(client, (k, old) ->
                old == null || old.second() != second ? new Window(second, 1) : new Window(second, old.count() + 1));
        if (windows.size() > PRUNE_ABOVE) {
            prune(second);
        }
        return w.count() <= perSecond;
    }

    int trackedClients() {
        return windows.size();
    }

    private void prune(long currentSecond) {
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
            if (it.next().second() < currentSecond) {
                it.remove();
            }
        }
    }
}
