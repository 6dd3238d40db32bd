package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Shows a pull or push as it runs. The request goes out with a fresh {@code progress_id} on one connection; a
 * second connection polls {@code GET /transfers/{id}} every 250 ms. On a terminal it redraws per-blob bars,
 * the total and the speed in place (stderr); otherwise it prints one plain line per finished blob.
 */
final class TransferDisplay {
    static final long POLL_MS = 250;

    private final PrintStream err;
    private final boolean terminal;
    private final Set<String> reported = new HashSet<>();
    private int drawnLines;

    TransferDisplay(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** Sends {@code body} (plus the progress id) to {@code path}, showing progress until the answer comes. */
    JsonNode run(Supplier<ApiClient> clients, String path, Map<String, Object> body) {
        String id = UUID.randomUUID().toString();
        body.put("progress_id", id);
        AtomicReference<Object> answer = new AtomicReference<>();
        Thread request = new Thread(() -> {
            try {
                answer.set(clients.get().patient().post(path, body).json());
            } catch (RuntimeException e) {
                answer.set(e);
            }
        }, "yoq-transfer");
        request.setDaemon(true);
        request.start();
        ApiClient poller = clients.get();
        try {
            while (request.isAlive()) {
                request.join(POLL_MS);
                show(poller, id);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (answer.get() instanceof RuntimeException e) throw e;
        return (JsonNode) answer.get();
    }

    private void show(ApiClient poller, String id) {
        ApiClient.Reply r;
        try {
            r = poller.probeWithToken("/transfers/" + id);
        } catch (CliException unreachable) {
            return;   // the request's own answer will say what went wrong
        }
        if (r.status() != 200) return;   // not registered yet
        JsonNode view = r.json();
        if (terminal) {
            redraw(frame(view));
        } else {
            for (JsonNode b : view.path("blobs")) {
                String state = b.path("state").asText();
                if ((state.equals("done") || state.equals("present")) && reported.add(b.path("digest").asText())) {
                    err.println(plainLine(view.path("kind").asText(), b));
                }
            }
        }
    }

    private void redraw(String frame) {
        StringBuilder out = new StringBuilder();
        if (drawnLines > 0) out.append("\033[").append(drawnLines).append('F');   // back to the first line drawn
        String[] lines = frame.split("\n");
        for (String line : lines) out.append("\033[2K").append(line).append('\n');
        drawnLines = lines.length;
        err.print(out);
        err.flush();
    }

    /** One terminal frame: a bar per blob, then the total and the speed. Pure, for tests. */
    static String frame(JsonNode view) {
        StringBuilder out = new StringBuilder();
        for (JsonNode b : view.path("blobs")) {
            long size = b.path("size").asLong(), done = b.path("done").asLong();
            String state = b.path("state").asText();
            out.append(String.format(Locale.ROOT, "%-12s %s %9s / %-9s %s%n", shortDigest(b.path("digest").asText()),
                    bar(done, size, 24), mb(done), mb(size), state.equals("present") ? "already there" : state));
        }
        long total = view.path("total_bytes").asLong(), done = view.path("done_bytes").asLong();
        double seconds = Math.max(0.001, view.path("elapsed_ms").asLong() / 1000.0);
        out.append(String.format(Locale.ROOT, "%s %s / %s  %.1f MB/s  %.1fs", view.path("kind").asText(), mb(done), mb(total),
                done / 1e6 / seconds, seconds));
        return out.toString();
    }

    static String plainLine(String kind, JsonNode blob) {
        String what = blob.path("state").asText().equals("present") ? "already there"
                : (kind.equals("push") ? "uploaded " : "downloaded ") + mb(blob.path("done").asLong());
        return shortDigest(blob.path("digest").asText()) + ": " + what;
    }

    private static String bar(long done, long size, int width) {
        int filled = size <= 0 ? width : (int) Math.min(width, done * width / size);
        return "[" + "=".repeat(filled) + " ".repeat(width - filled) + "]";
    }

    private static String shortDigest(String digest) {
        String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
        return hex.substring(0, Math.min(12, hex.length()));
    }

    private static String mb(long bytes) {
        return ImageCommands.mb(Math.max(0, bytes));
    }
}
