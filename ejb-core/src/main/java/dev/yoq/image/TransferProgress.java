package dev.yoq.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One pull or push as it runs: per-blob bytes and states, readable at any time by {@code GET /transfers/{id}}
 * (the CLI's progress display polls it). Blob states: waiting → moving → done (moved) or present (already there).
 */
public final class TransferProgress implements TransferListener {
    public enum State { RUNNING, DONE, FAILED }

    public record BlobView(String digest, long size, long done, String state) {}

    public record View(String id, String kind, String reference, String state, String error, long startedAtMs,
                       long elapsedMs, long totalBytes, long doneBytes, List<BlobView> blobs) {}

    private static final class Blob {
        final long size;
        final AtomicLong done = new AtomicLong();
        volatile String state = "waiting";

        Blob(long size) { this.size = size; }
    }

    private final String id;
    private final String kind;
    private final String reference;
    private final long startedAt = System.currentTimeMillis();
    private final long startedNanos = System.nanoTime();
    private final Map<String, Blob> blobs = new LinkedHashMap<>();
    private volatile State state = State.RUNNING;
    private volatile String error;
    private volatile long endedNanos;
    private volatile long endedAt;

    TransferProgress(String id, String kind, String reference) {
        this.id = id;
        this.kind = kind;
        this.reference = reference;
    }

    public String id() { return id; }

    @Override
    public synchronized void blob(Manifests.Descriptor d) {
        blobs.putIfAbsent(d.digest(), new Blob(d.size()));
    }

    @Override
    public void bytes(String digest, long n) {
        Blob b = find(digest);
        if (b == null) return;
        b.state = "moving";
        b.done.addAndGet(n);
    }

    @Override
    public void done(Manifests.Descriptor d, boolean moved) {
        Blob b = find(d.digest());
        if (b == null) return;
        if (!moved) b.done.set(Math.max(0, b.size));
        b.state = moved ? "done" : "present";
    }

    void finish(String failure) {
        error = failure;
        endedNanos = System.nanoTime();
        endedAt = System.currentTimeMillis();
        state = failure == null ? State.DONE : State.FAILED;
    }

    boolean running() { return state == State.RUNNING; }

    long endedAt() { return endedAt; }

    private synchronized Blob find(String digest) { return blobs.get(digest); }

    public synchronized View view() {
        long end = state == State.RUNNING ? System.nanoTime() : endedNanos;
        List<BlobView> out = new ArrayList<>();
        long total = 0, done = 0;
        for (Map.Entry<String, Blob> e : blobs.entrySet()) {
            Blob b = e.getValue();
            out.add(new BlobView(e.getKey(), b.size, b.done.get(), b.state));
            total += Math.max(0, b.size);
            done += b.done.get();
        }
        return new View(id, kind, reference, state.name().toLowerCase(java.util.Locale.ROOT), error, startedAt,
                (end - startedNanos) / 1_000_000, total, done, out);
    }
}
