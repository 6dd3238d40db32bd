package dev.yoq.node.daemon.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Small helpers shared by the drivers: kernel files are written whole, read as text, removed leaf first. */
final class CgroupFiles {
    private CgroupFiles() {}

    static void write(Path file, String value) throws IOException {
        try {
            Files.writeString(file, value, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot write " + value + " to " + file + ": " + e.getMessage(), e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return null;
        }
    }

    static Long readLong(Path file) {
        String text = read(file);
        try {
            return text == null ? null : Long.parseLong(text.split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The avg10 of the "some" line of a PSI file, or null. */
    static Double pressure(Path file) {
        String text = read(file);
        if (text == null) return null;
        for (String line : text.split("\n")) {
            if (!line.startsWith("some ")) continue;
            for (String field : line.split(" ")) {
                if (field.startsWith("avg10=")) return Double.parseDouble(field.substring(6));
            }
        }
        return null;
    }

    static void putPressure(Map<String, Object> stats, Path dir) {
        if (dir == null) return;
        for (String kind : new String[] {"cpu", "memory", "io"}) {
            Double value = pressure(dir.resolve(kind + ".pressure"));
            if (value != null) stats.put(kind + "_pressure", value);
        }
    }

    /** rmdir of a cgroup directory: the kernel files in it go with it; child cgroups go first. */
    static void removeDir(Path dir) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) return;
        try {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, Files::isDirectory)) {
                for (Path child : children) removeDir(child);
            }
            deleteWhenEmpty(dir);
        } catch (NoSuchFileException e) {
            // already gone: removal after an exit and an explicit remove may meet here
        }
    }

    /**
     * A cgroup stays busy (EBUSY) for a moment after its last process was reaped while the kernel lets the dying
     * tasks go (seen under load right after a SIGKILL): retried for up to 2 s before the error goes up.
     */
    private static void deleteWhenEmpty(Path dir) throws IOException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (true) {
            try {
                Files.delete(dir);
                return;
            } catch (java.nio.file.FileSystemException e) {
                if (e instanceof NoSuchFileException || !String.valueOf(e.getReason()).contains("busy") || System.nanoTime() > deadline) throw e;
                try {
                    Thread.sleep(10);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    static Map<String, Object> newStats() { return new HashMap<>(); }

    /**
     * {@code cpu_usage_ns}: the CPU time the cgroup used, from cgroup v2's {@code cpu.stat} (present in every v2
     * cgroup, with or without the cpu controller, so hybrid hosts have it too). Absent when unreadable.
     */
    static void putCpuUsage(Map<String, Object> stats, Path dir) {
        if (dir == null) return;
        String text = read(dir.resolve("cpu.stat"));
        if (text == null) return;
        for (String line : text.split("\n")) {
            if (line.startsWith("usage_usec ")) {
                try {
                    stats.put("cpu_usage_ns", Long.parseLong(line.substring(11).strip()) * 1000);
                } catch (NumberFormatException ignored) {
                    // a kernel that writes something else: no figure rather than a wrong one
                }
            }
        }
    }
}
