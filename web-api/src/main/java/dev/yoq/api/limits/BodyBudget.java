package dev.yoq.api.limits;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the memory all request bodies being read at once may take: each request reserves its cap (or its
 * declared length, when smaller) in KiB before its body is read and gives it back after. Twenty parallel uploads
 * to an 8 MiB route then wait their turn instead of taking the heap (192 MiB) together.
 */
public final class BodyBudget {
    private final Semaphore kib;
    private final int totalKib;

    public BodyBudget(long totalBytes) {
        this.totalKib = (int) Math.max(1, totalBytes >> 10);
        this.kib = new Semaphore(totalKib, true);
    }

    /** Reserves room for {@code bytes}, waiting at most {@code waitMs}; the reservation, or null when full. */
    public Reservation reserve(long bytes, long waitMs) throws InterruptedException {
        int want = (int) Math.min(totalKib, Math.max(1, (bytes + 1023) >> 10));
        if (!kib.tryAcquire(want, waitMs, TimeUnit.MILLISECONDS)) return null;
        java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean(true);
        return () -> {
            if (held.getAndSet(false)) kib.release(want);
        };
    }

    /** Room held for one body; closing gives it back (once, however often it is closed). */
    public interface Reservation extends AutoCloseable {
        @Override
        void close();
    }
}
