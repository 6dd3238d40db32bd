package dev.yoq.node.daemon.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the node's tools (tc, mount, ip, wg) without a shell, bounded in time and output. */
public final class Commands {
    private Commands() {}

    public record Result(int exit, String output) {}

    /**
     * Runs a command (no shell) with stdout and stderr into a temp file, so a command that hangs or floods its output
     * cannot block us before the timeout applies; on timeout it is destroyed (forcibly) and an IOException says so.
     */
    public static Result exec(List<String> cmd, int timeoutSeconds) throws IOException {
        return exec(cmd, timeoutSeconds, Map.of(), TAIL_BYTES);
    }

    /** The output kept by default: its end, where error messages are. */
    public static final int TAIL_BYTES = 16384;

    /**
     * {@code env}: variables set for this command over the helper's own (a null value removes one); {@code keepBytes}:
     * how much of the output's end is kept (a listing that is parsed needs all of it).
     */
    public static Result exec(List<String> cmd, int timeoutSeconds, Map<String, String> env, int keepBytes) throws IOException {
        Path out = Files.createTempFile("yoq-exec", ".out");
        try {
            Process p;
            try {
                ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                env.forEach((k, v) -> {
                    if (v == null) pb.environment().remove(k);
                    else pb.environment().put(k, v);
                });
                p = pb.start();
            } catch (IOException e) {
                throw new IOException("cannot start " + cmd.get(0) + ": " + e.getMessage(), e);
            }
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                    throw new IOException(String.join(" ", cmd) + ": timed out after " + timeoutSeconds + " s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted: " + String.join(" ", cmd), e);
            }
            return new Result(p.exitValue(), tail(out, keepBytes));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The output, at most its last {@code keepBytes} (error messages are at the end). */
    private static String tail(Path out, int keepBytes) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(out.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, keepBytes);
            byte[] b = new byte[n];
            f.seek(len - n);
            f.readFully(b);
            return new String(b, java.nio.charset.StandardCharsets.UTF_8).strip();
        }
    }
}
