package dev.yoq.proxy.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The access log: one JSON object per request, written by a background thread so a slow disk never slows a
 * request; when the queue is full, lines are dropped and counted. The file is rotated to {@code .1} at
 * {@value #ROTATE_BYTES} bytes, so it stays bounded.
 */
public final class AccessLog implements AutoCloseable {
    static final long ROTATE_BYTES = 32L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final BlockingQueue<Map<String, Object>> queue = new ArrayBlockingQueue<>(16_384);
    public final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private volatile boolean open = true;

    public AccessLog(Path file) {
        this.file = file;
        writer = new Thread(this::drain, "yoq-proxy-access-log");
        writer.setDaemon(true);
        if (file != null) writer.start();
    }

    public void log(Map<String, Object> entry) {
        if (file != null && !queue.offer(entry)) dropped.increment();
    }

    private void drain() {
        Writer out = null;
        long size = 0;
        while (open || !queue.isEmpty()) {
            try {
                Map<String, Object> e = queue.poll(1, TimeUnit.SECONDS);
                if (e == null) {
                    if (out != null) out.flush();
                    continue;
                }
                if (out == null || size > ROTATE_BYTES) {
                    if (out != null) {
                        out.close();
                        Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
                    }
                    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    size = Files.size(file);
                }
                String line = JSON.writeValueAsString(e) + "\n";
                out.write(line);
                size += line.length();
            } catch (InterruptedException ie) {
                return;
            } catch (IOException io) {
                dropped.increment();
                out = null;   // reopen on the next line
            }
        }
    }

    @Override
    public void close() {
        open = false;
    }
}
