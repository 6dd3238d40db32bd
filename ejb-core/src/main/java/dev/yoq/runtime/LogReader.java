package dev.yoq.runtime;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads a container log written by yoq-init (CRI format: {@code <time> <stream> <F|P> <text>}) back as the text
 * the container wrote. {@code offset} lets a follower continue where it stopped; when the file was rotated
 * (it is shorter than the offset) reading starts over from the new file.
 */
public final class LogReader {
    /** At most this much text in one answer (the CLI reads 64 KiB responses; a follower just asks again). */
    public static final int MAX_CHUNK = 48 * 1024;

    private LogReader() {}

    public record Chunk(String text, long offset) {}

    /** Text from offset on, up to MAX_CHUNK bytes of log, ending at a line boundary. */
    public static Chunk from(Path file, long offset) throws IOException {
        if (!Files.exists(file)) return new Chunk("", 0);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            long start = offset > size ? 0 : Math.max(0, offset);
            int len = (int) Math.min(MAX_CHUNK, size - start);
            byte[] buf = new byte[len];
            f.seek(start);
            f.readFully(buf);
            int end = lastNewline(buf);
            if (end < 0 && len == MAX_CHUNK) end = len - 1;   // one line longer than a chunk: give it in pieces
            if (end < 0) return new Chunk("", start);
            return new Chunk(render(new String(buf, 0, end + 1, StandardCharsets.UTF_8)), start + end + 1);
        }
    }

    /** The last n lines (all when n <= 0), capped at MAX_CHUNK of text, and the offset to follow from. */
    public static Chunk tail(Path file, int n) throws IOException {
        if (!Files.exists(file)) return new Chunk("", 0);
        long size = Files.size(file);
        Deque<String> lines = new ArrayDeque<>();
        int bytes = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lines.addLast(line);
            bytes += line.length() + 1;
            while ((n > 0 && lines.size() > n) || bytes > MAX_CHUNK * 4) bytes -= lines.removeFirst().length() + 1;
        }
        return new Chunk(render(String.join("\n", lines) + (lines.isEmpty() ? "" : "\n")), size);
    }

    /** Strips time, stream and tag; partial lines (P) join the next piece without a newline. */
    static String render(String cri) {
        StringBuilder out = new StringBuilder(cri.length());
        for (String line : cri.split("\n", -1)) {
            if (line.isEmpty()) continue;
            String[] parts = line.split(" ", 4);
            if (parts.length < 3) continue;
            out.append(parts.length == 4 ? parts[3] : "");
            if (!"P".equals(parts[2])) out.append('\n');
        }
        return out.toString();
    }

    private static int lastNewline(byte[] buf) {
        for (int i = buf.length - 1; i >= 0; i--) if (buf[i] == '\n') return i;
        return -1;
    }
}
