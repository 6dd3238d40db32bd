package dev.yoq.node.daemon.image;

import dev.yoq.node.protocol.DataLayout;
import dev.yoq.node.protocol.HelperError;
import dev.yoq.node.protocol.HelperException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Unpacked layers at {@code <data>/layers/sha256/<hex>} (spec §4.1), made once per layer digest from the blob the
 * server stored at {@code <data>/blobs/sha256/<hex>}, and shared by every image and container that uses them.
 */
public final class LayerStore {
    private static final Pattern DIGEST = Pattern.compile("sha256:([0-9a-f]{64})");
    private final DataLayout data;
    private final boolean root = "root".equals(System.getProperty("user.name"));
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    public LayerStore(DataLayout data) { this.data = data; }

    /** The unpacked layer's directory, unpacking the blob first if needed (one unpack per digest at a time). */
    public Path unpacked(String digest) throws IOException {
        var m = DIGEST.matcher(digest == null ? "" : digest);
        if (!m.matches()) throw new HelperException(HelperError.INVALID, "not a sha256 digest: " + digest);
        String hex = m.group(1);
        Path target = data.root().resolve("layers").resolve("sha256").resolve(hex);
        Object lock = locks.computeIfAbsent(hex, k -> new Object());
        synchronized (lock) {
            if (Files.isDirectory(target)) return target;
            Path blob = data.blobs().resolve(hex);
            if (!Files.isRegularFile(blob)) throw new HelperException(HelperError.NOT_FOUND, "layer blob " + digest + " is not in the store");
            Files.createDirectories(target.getParent());
            try (InputStream in = Files.newInputStream(blob)) {
                LayerUnpacker.unpack(in, target, root);
            } catch (IOException e) {
                throw new HelperException(HelperError.INVALID, "layer " + digest + ": " + e.getMessage());
            }
            return target;
        }
    }

    /**
     * Deletes unpacked layers that are neither in {@code keep} nor under a container the helper knows
     * ({@code inUse}: lower dirs of every container). Returns {layers_removed, bytes}.
     */
    public java.util.Map<String, Long> prune(java.util.Set<String> keep, java.util.Set<String> inUse) throws IOException {
        Path dir = data.root().resolve("layers").resolve("sha256");
        long removed = 0, bytes = 0;
        if (!Files.isDirectory(dir)) return java.util.Map.of("layers_removed", 0L, "bytes", 0L);
        try (var layers = Files.list(dir)) {
            for (Path layer : layers.toList()) {
                String digest = "sha256:" + layer.getFileName();
                if (!DIGEST.matcher(digest).matches() || keep.contains(digest) || inUse.contains(layer.toString())) continue;
                synchronized (locks.computeIfAbsent(layer.getFileName().toString(), k -> new Object())) {
                    bytes += size(layer);
                    dev.yoq.node.daemon.sys.Trees.delete(layer);
                    removed++;
                }
            }
        }
        return java.util.Map.of("layers_removed", removed, "bytes", bytes);
    }

    private static long size(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            return walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
