package dev.yoq.image;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The pulls and pushes of this server process, by the id the client chose. Finished ones stay readable for a
 * minute so a poller sees the end. Process-wide on purpose: a transfer is tied to the JVM running it, and prune
 * (another request, another bean instance) must wait for what is in flight.
 */
public final class Transfers {
    static final long KEEP_FINISHED_MS = 60_000;
    private static final Map<String, TransferProgress> ALL = new ConcurrentHashMap<>();

    private Transfers() {}

    /** Registers a transfer; an id in use by a running one is refused. A null id gets a private random one. */
    static TransferProgress begin(String id, String kind, String reference) {
        expire();
        String key = id == null ? java.util.UUID.randomUUID().toString() : id;
        if (id != null && !id.matches("[A-Za-z0-9_-]{8,64}")) {
            throw new ImageException(ImageException.Kind.INVALID, "progress_id: must be 8-64 letters, digits, - or _");
        }
        TransferProgress p = new TransferProgress(key, kind, reference);
        TransferProgress before = ALL.putIfAbsent(key, p);
        if (before != null) {
            if (before.running()) throw new ImageException(ImageException.Kind.INVALID, "progress_id " + key + " is in use by a running transfer");
            ALL.put(key, p);
        }
        return p;
    }

    static void end(TransferProgress p, String failure) {
        p.finish(failure);
    }

    public static TransferProgress.View view(String id) {
        TransferProgress p = id == null ? null : ALL.get(id);
        if (p == null) throw new ImageException(ImageException.Kind.NOT_FOUND, "no such transfer: " + id);
        return p.view();
    }

    /**
     * Pulls and pushes hold this shared; prune holds it exclusively, so it never deletes a blob a transfer has
     * just found present (and so skipped) but not yet recorded. Fair, so a waiting prune is not starved.
     */
    static final ReentrantReadWriteLock STORE = new ReentrantReadWriteLock(true);

    private static void expire() {
        long now = System.currentTimeMillis();
        for (Iterator<TransferProgress> it = ALL.values().iterator(); it.hasNext(); ) {
            TransferProgress p = it.next();
            if (!p.running() && now - p.endedAt() > KEEP_FINISHED_MS) it.remove();
        }
    }
}
