package dev.yoq.node.daemon.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** One request to yoq-proxy's control socket: a JSON line out, a JSON line back (bounded to 16 MiB). */
final class ControlClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_ANSWER = 16 * 1024 * 1024;

    private ControlClient() {}

    private static final java.util.concurrent.ScheduledExecutorService CLOSER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "yoq-node-proxy-timeout");
                t.setDaemon(true);
                return t;
            });
    static final long TIMEOUT_MS = 10_000;

    /** A proxy that does not answer within {@value #TIMEOUT_MS} ms has its connection closed (an IOException here). */
    static JsonNode call(Path socket, JsonNode request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            var deadline = CLOSER.schedule(() -> {
                try {
                    ch.close();
                } catch (IOException e) {
                    // closing is all we wanted
                }
            }, TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                return exchange(ch, socket, request);
            } finally {
                deadline.cancel(false);
            }
        }
    }

    private static JsonNode exchange(SocketChannel ch, Path socket, JsonNode request) throws IOException {
        ch.connect(UnixDomainSocketAddress.of(socket));
        ByteBuffer out = ByteBuffer.wrap((JSON.writeValueAsString(request) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        while (out.hasRemaining()) ch.write(out);
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (true) {
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) throw new IOException("yoq-proxy closed the control connection without an answer");
            for (int i = 0; i < n; i++) {
                byte b = buf.get(i);
                if (b == '\n') return JSON.readTree(answer.toByteArray());
                answer.write(b);
            }
            if (answer.size() > MAX_ANSWER) throw new IOException("yoq-proxy's answer is over " + MAX_ANSWER + " bytes");
        }
    }
}
