package dev.yoq.proxy.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.yoq.proxy.config.EdgeConfig;
import dev.yoq.proxy.http.EdgeServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The proxy's only input: a Unix socket, mode 0600 (its own user and root, that is the helper), one JSON request
 * per line and one JSON answer per line. Ops: {@code config} (the whole configuration: applied, answered with its
 * generation), {@code stats} (counters), {@code status} (listeners, circuits). A request is bounded to
 * {@value #MAX_REQUEST} bytes.
 */
public final class ControlSocket implements AutoCloseable {
    static final int MAX_REQUEST = 32 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final EdgeServer server;
    private final Consumer<String> log;
    private ServerSocketChannel listener;

    public ControlSocket(Path path, EdgeServer server, Consumer<String> log) {
        this.path = path;
        this.server = server;
        this.log = log;
    }

    public void bind() throws IOException {
        Files.deleteIfExists(path);
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        Thread t = new Thread(this::accept, "yoq-proxy-control");
        t.setDaemon(true);
        t.start();
    }

    private void accept() {
        while (listener.isOpen()) {
            try (SocketChannel client = listener.accept()) {
                serve(client);
            } catch (IOException | RuntimeException e) {
                if (listener.isOpen()) log.accept("control: " + e.getMessage());
            }
        }
    }

    private void serve(SocketChannel client) throws IOException {
        byte[] line;
        while ((line = readLine(client)) != null) {
            Map<String, Object> answer;
            try {
                answer = handle(JSON.readTree(line));
            } catch (IOException | RuntimeException e) {
                answer = Map.of("error", String.valueOf(e.getMessage()));
            }
            client.write(ByteBuffer.wrap((JSON.writeValueAsString(answer) + "\n").getBytes(StandardCharsets.UTF_8)));
        }
    }

    Map<String, Object> handle(JsonNode request) throws IOException {
        String op = request.path("op").asText("");
        switch (op) {
            case "config": {
                EdgeConfig config = JSON.treeToValue(request.path("config"), EdgeConfig.class);
                server.apply(config);
                Map<String, Object> ok = new LinkedHashMap<>();
                ok.put("status", "ok");
                ok.put("generation", config.generation());
                ok.put("proxy", server.status());
                return ok;
            }
            case "stats": {
                Map<String, Object> out = server.edge().stats().json();
                out.put("status", server.status());
                return out;
            }
            case "status":
                return server.status();
            default:
                return Map.of("error", "unknown op: " + op);
        }
    }

    private static byte[] readLine(SocketChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(64 * 1024);
        while (true) {
            one.clear();
            int n = ch.read(one);
            if (n < 0) return out.size() == 0 ? null : out.toByteArray();
            byte[] chunk = new byte[n];
            one.flip();
            one.get(chunk);
            for (int i = 0; i < n; i++) {
                if (chunk[i] == '\n') {
                    out.write(chunk, 0, i);
                    return out.toByteArray();   // one request per line; the client waits for the answer before the next
                }
            }
            out.write(chunk);
            if (out.size() > MAX_REQUEST) throw new IOException("control request over " + MAX_REQUEST + " bytes");
        }
    }

    @Override
    public void close() throws IOException {
        if (listener != null) listener.close();
        Files.deleteIfExists(path);
    }
}
