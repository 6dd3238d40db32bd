package dev.yoq.edge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The {@code exec} DNS provider: DNS-01 records are published by a command of the user's (§3.8). The hook runs
 * with its argv plus the action ({@code present} or {@code cleanup}) as last argument, the server's environment
 * plus {@code YOQ_ACME_CHALLENGE=dns-01}, {@code YOQ_ACME_ACTION}, {@code YOQ_ACME_DOMAIN}, {@code YOQ_ACME_RECORD}
 * (the record's name with its final dot), {@code YOQ_ACME_VALUE} and {@code YOQ_ACME_DIRECTORY_URL}, plus the DNS
 * secrets' variables with their values from the secret store (then an error quotes none of its output), and at most
 * {@value #HOOK_SECONDS} s. After {@code present} succeeds, it waits one poll interval (at most the propagation
 * timeout) for the record to reach the CA's resolvers, then lets the CA look. Plain Java.
 */
public final class AcmeDnsHook implements AcmeIssuer.Dns01 {
    private static final Logger LOG = Logger.getLogger(AcmeDnsHook.class.getName());
    /** A hook is a short API call or a file edit; one that takes longer is stuck. */
    public static final int HOOK_SECONDS = 60;
    private static final int OUTPUT_TAIL = 400;

    private final List<String> argv;
    private final String domain;
    private final String directoryUrl;
    private final Duration settle;
    private final int hookSeconds;
    /** Variables from the secret store; with any, an error quotes none of the hook's output. */
    private final Map<String, String> secretEnv;

    /** {@code settle}: how long to wait after {@code present} (the caller passes min(poll interval, propagation timeout)). */
    public AcmeDnsHook(List<String> argv, String domain, String directoryUrl, Duration settle) {
        this(argv, domain, directoryUrl, settle, HOOK_SECONDS, Map.of());
    }

    /** {@code secretEnv}: the DNS secrets' variables, with their values from the secret store. */
    public AcmeDnsHook(List<String> argv, String domain, String directoryUrl, Duration settle, Map<String, String> secretEnv) {
        this(argv, domain, directoryUrl, settle, HOOK_SECONDS, secretEnv);
    }

    /** With another limit on each hook run: for tests. */
    AcmeDnsHook(List<String> argv, String domain, String directoryUrl, Duration settle, int hookSeconds) {
        this(argv, domain, directoryUrl, settle, hookSeconds, Map.of());
    }

    AcmeDnsHook(List<String> argv, String domain, String directoryUrl, Duration settle, int hookSeconds, Map<String, String> secretEnv) {
        this.secretEnv = Map.copyOf(secretEnv);
        if (argv == null || argv.isEmpty()) throw new IllegalArgumentException("the exec DNS provider needs a hook command");
        this.argv = List.copyOf(argv);
        this.domain = domain;
        this.directoryUrl = directoryUrl;
        this.settle = settle;
        this.hookSeconds = hookSeconds;
    }

    @Override
    public void present(String recordName, String value) throws IOException, InterruptedException {
        run("present", recordName, value);
        Thread.sleep(settle.toMillis());
    }

    /** Best effort: a record left behind is harmless, and the certificate must not fail for it. */
    @Override
    public void cleanup(String recordName, String value) {
        try {
            run("cleanup", recordName, value);
        } catch (IOException e) {
            LOG.warning("acme: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the hook for {@code action}; an {@link IOException} saying why when it fails, is killed, or cannot start. */
    void run(String action, String recordName, String value) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(argv);
        command.add(action);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.putAll(secretEnv);
        env.put("YOQ_ACME_CHALLENGE", "dns-01");
        env.put("YOQ_ACME_ACTION", action);
        env.put("YOQ_ACME_DOMAIN", domain);
        env.put("YOQ_ACME_RECORD", recordName);
        env.put("YOQ_ACME_VALUE", value);
        env.put("YOQ_ACME_DIRECTORY_URL", directoryUrl);
        // the output goes to a file: no reader thread, and a chatty hook cannot block on a full pipe
        Path out = Files.createTempFile("yoq-acme-hook", ".log");
        try {
            pb.redirectOutput(out.toFile());
            Process p = start(pb, action);
            if (!p.waitFor(hookSeconds, TimeUnit.SECONDS)) {
                // its children are listed before it dies: afterwards they belong to init and cannot be found from it
                List<ProcessHandle> children = p.descendants().toList();
                p.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
                p.waitFor(2, TimeUnit.SECONDS);
                throw new IOException("dns hook " + argv.get(0) + " " + action + " did not finish within " + hookSeconds + " s" + quoted(out));
            }
            if (p.exitValue() != 0) {
                throw new IOException("dns hook " + argv.get(0) + " " + action + " exited with status " + p.exitValue() + quoted(out));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private Process start(ProcessBuilder pb, String action) throws IOException {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IOException("dns hook " + argv.get(0) + " " + action + " cannot start: " + e.getMessage(), e);
        }
    }

    /**
     * What an error quotes of the hook's output: its end, unless the hook was given secrets. Cutting values out of a
     * tail is not safe (a value cut by the tail's start, printed trimmed, re-encoded or inside another), so then
     * nothing of it is quoted.
     */
    private String quoted(Path out) throws IOException {
        return secretEnv.isEmpty() ? tail(out) : " (its output is not quoted, as the hook was given secrets: run it by hand to see it)";
    }

    /** The end of what the hook printed, for the error message: usually the line that says what went wrong. */
    private static String tail(Path out) throws IOException {
        try (var ch = Files.newByteChannel(out)) {
            long size = ch.size();
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(size, OUTPUT_TAIL));
            ch.position(size - buf.capacity());
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // fill the buffer: a channel may return fewer bytes than asked
            }
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) return "";
            return ": " + (size > OUTPUT_TAIL ? "..." : "") + text;
        }
    }
}
