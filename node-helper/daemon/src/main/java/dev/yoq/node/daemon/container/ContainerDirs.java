package dev.yoq.node.daemon.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A container's directory, {@code <data>/containers/<id>/}: state.json (the spec, written by the helper),
 * init.conf, running.json and exit.json (written by yoq-init), and the overlay's upper, work and rootfs dirs.
 */
public record ContainerDirs(Path root) {
    public Path state() { return root.resolve("state.json"); }
    public Path initConfig() { return root.resolve("init.conf"); }
    public Path running() { return root.resolve("running.json"); }
    public Path exit() { return root.resolve("exit.json"); }
    public Path upper() { return root.resolve("upper"); }
    public Path work() { return root.resolve("work"); }
    public Path rootfs() { return root.resolve("rootfs"); }
    /** The container's secret files: a tmpfs of their own, bound read-only on /run/secrets ({@link SecretFiles}). */
    public Path secrets() { return root.resolve("secrets"); }

    /**
     * Temporary file (owner-only: the spec holds the container's environment, secrets included) + rename; durable
     * (fsync) only where a power loss must not lose it: the spec.
     */
    static void writeAtomically(Path file, byte[] bytes, boolean durable) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            if (durable) ch.force(true);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
