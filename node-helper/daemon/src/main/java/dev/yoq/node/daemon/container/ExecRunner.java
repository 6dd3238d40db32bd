package dev.yoq.node.daemon.container;

import dev.yoq.node.protocol.ExecResult;
import dev.yoq.node.protocol.HelperError;
import dev.yoq.node.protocol.HelperException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs one yoq-init in exec mode and collects its output (each stream capped at 1 MiB). */
final class ExecRunner {
    static final int OUTPUT_CAP = 1 << 20;
    static final long DEFAULT_TIMEOUT_MS = 300_000;

    private ExecRunner() {}

    static ExecResult run(Path init, Path containerDir, String config, long timeoutMs) throws IOException {
        Path conf = Files.createTempFile(containerDir, "exec-", ".conf");
        try {
            Files.writeString(conf, config, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(init.toString(), conf.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            CompletableFuture<Capped> out = CompletableFuture.supplyAsync(() -> Capped.read(p.getInputStream()));
            CompletableFuture<Capped> err = CompletableFuture.supplyAsync(() -> Capped.read(p.getErrorStream()));
            long limit = timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS;
            if (!p.waitFor(limit, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new HelperException(HelperError.CONFLICT, "exec timed out after " + limit + " ms");
            }
            Capped o = out.join(), e = err.join();
            return new ExecResult(p.exitValue(), o.text(), e.text(), o.truncated() || e.truncated());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(conf);
        }
    }

    private record Capped(String text, boolean truncated) {
        static Capped read(InputStream in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            boolean truncated = false;
            try (in) {
                for (int n; (n = in.read(chunk)) > 0; ) {
                    int keep = Math.min(n, OUTPUT_CAP - buf.size());
                    if (keep < n) truncated = true;
                    if (keep > 0) buf.write(chunk, 0, keep);
                }
            } catch (IOException e) {
                truncated = true;
            }
            return new Capped(buf.toString(StandardCharsets.UTF_8), truncated);
        }
    }
}
