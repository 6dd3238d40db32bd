package dev.yoq.image;

import dev.yoq.node.NodeClient;
import dev.yoq.node.NodeConnector;
import dev.yoq.node.protocol.HelperException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The helper unpacking a pull's layers while the rest still download: each layer is handed over as soon as it
 * is stored and verified, up to 4 at once (one helper connection each; unpacking is CPU-bound). Layers unpack
 * into their own directories, so order does not matter.
 */
final class LayerUnpacking implements AutoCloseable {
    private final NodeConnector node;
    private final ImageReference ref;
    private final ExecutorService pool;
    private final List<Future<?>> jobs = new ArrayList<>();

    LayerUnpacking(NodeConnector node, ImageReference ref) {
        this.node = node;
        this.ref = ref;
        this.pool = Executors.newFixedThreadPool(RegistryClient.PARALLEL, r -> {
            Thread t = new Thread(r, "yoq-unpack");
            t.setDaemon(true);
            return t;
        });
    }

    synchronized void submit(String digest) {
        jobs.add(pool.submit(() -> {
            try (NodeClient client = node.open()) {
                client.unpack(digest);
            }
            return null;
        }));
    }

    /** Waits for every layer handed over; the first failure is reported, naming the image. */
    void awaitAll() {
        List<Future<?>> all;
        synchronized (this) {
            all = List.copyOf(jobs);
        }
        try {
            for (Future<?> job : all) job.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HelperException h) throw new ImageException(ImageException.Kind.INVALID, "pull " + ref + ": " + h.getMessage());
            throw new ImageException(ImageException.Kind.UNAVAILABLE, "pull " + ref + ": " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException(ImageException.Kind.UNAVAILABLE, "pull " + ref + ": interrupted");
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
