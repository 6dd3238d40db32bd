package dev.yoq.node.daemon.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs yoq-proxy, the node's L7 edge: as its own unprivileged user with CAP_NET_BIND_SERVICE only (setpriv), in a
 * session of its own, so neither the helper's end nor a signal to its group stops it. A proxy left running by an
 * earlier helper is adopted (pid file, checked against its command line), never restarted. Every second the
 * supervisor checks it is alive and restarts it with backoff (1 s doubling to 30 s) when not; a (re)started proxy
 * gets the last configuration at once. That configuration is kept in {@code <data>/network/proxy.json} (root, 0600:
 * it holds private keys), so the proxy serves the same routes after the server, the helper, or itself restarts.
 */
public final class ProxySupervisor implements AutoCloseable {
    static final long CHECK_MS = 1_000, MAX_BACKOFF_MS = 30_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProxyLayout layout;
    private final Consumer<String> log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "yoq-node-proxy");
        t.setDaemon(true);
        return t;
    });
    private volatile ProcessHandle proxy;
    private volatile String lastError;
    private long backoffMs = CHECK_MS, nextStartAt, restarts;
    private volatile boolean configured;

    public ProxySupervisor(ProxyLayout layout, Consumer<String> log) {
        this.layout = layout;
        this.log = log;
    }

    /** Adopts a running proxy or starts one, then supervises it. */
    public void start() {
        proxy = adopt().orElse(null);
        if (proxy != null) log.accept("proxy: adopted pid " + proxy.pid());
        timer.scheduleWithFixedDelay(this::check, 0, CHECK_MS, TimeUnit.MILLISECONDS);
    }

    private synchronized void check() {
        try {
            if (proxy != null && proxy.isAlive()) {
                if (!configured) configured = pushSaved();
                return;
            }
            long now = System.currentTimeMillis();
            if (now < nextStartAt) return;
            if (proxy != null) {
                restarts++;
                log.accept("proxy: pid " + proxy.pid() + " ended; restarting (backoff " + backoffMs + " ms)");
            }
            proxy = launch();
            configured = false;
            nextStartAt = now + backoffMs;
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            waitForControl();
            configured = pushSaved();
            if (configured) backoffMs = CHECK_MS;
        } catch (IOException | RuntimeException e) {
            lastError = e.getMessage();
            log.accept("proxy: " + e.getMessage());
        }
    }

    /** A new configuration from the server: kept, then given to the proxy. Returns the proxy's answer. */
    public synchronized JsonNode configure(JsonNode config) throws IOException {
        save(config);
        if (proxy == null || !proxy.isAlive()) throw new IOException("yoq-proxy is not running" + (lastError == null ? "" : ": " + lastError));
        JsonNode answer = send(request("config", config));
        configured = !answer.has("error");
        if (!configured) throw new IOException("yoq-proxy refused the configuration: " + answer.path("error").asText());
        return answer;
    }

    /** The proxy's counters and listeners, or a status saying why there are none. */
    public JsonNode stats() throws IOException {
        if (proxy == null || !proxy.isAlive()) {
            ObjectNode down = JSON.createObjectNode().put("running", false).put("restarts", restarts);
            if (lastError != null) down.put("error", lastError);
            return down;
        }
        ObjectNode s = (ObjectNode) send(request("stats", null));
        s.put("running", true).put("pid", proxy.pid()).put("restarts", restarts);
        return s;
    }

    private JsonNode request(String op, JsonNode config) {
        ObjectNode r = JSON.createObjectNode().put("op", op);
        if (config != null) r.set("config", config);
        return r;
    }

    private JsonNode send(JsonNode request) throws IOException {
        return ControlClient.call(layout.control(), request);
    }

    private boolean pushSaved() throws IOException {
        if (!Files.exists(layout.savedConfig())) return true;   // nothing yet: the server sends the first one
        JsonNode saved = JSON.readTree(layout.savedConfig().toFile());
        JsonNode answer = send(request("config", saved));
        if (answer.has("error")) throw new IOException("yoq-proxy refused the saved configuration: " + answer.path("error").asText());
        log.accept("proxy: gave it the saved configuration (generation " + saved.path("generation").asLong() + ")");
        return true;
    }

    private void save(JsonNode config) throws IOException {
        Path tmp = layout.savedConfig().resolveSibling(layout.savedConfig().getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, JSON.writeValueAsBytes(config));
        Files.move(tmp, layout.savedConfig(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private ProcessHandle launch() throws IOException {
        layout.prepare();
        List<String> cmd = new ArrayList<>(List.of("setsid", "setpriv", "--reuid=" + layout.user(), "--regid=" + layout.user(),
                "--init-groups", "--inh-caps=-all,+net_bind_service", "--ambient-caps=-all,+net_bind_service",
                "--bounding-set=-all,+net_bind_service", "--no-new-privs"));
        cmd.addAll(List.of(layout.javaBinary().toString(), "-Xss512k", "-Xmx" + layout.heapMb() + "m", "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError", "-Djava.net.preferIPv4Stack=true",
                "-jar", layout.installedJar().toString(), "--control", layout.control().toString(),
                "--access-log", layout.accessLog().toString()));
        Process p = new ProcessBuilder(cmd).directory(layout.dir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.log().toFile()))
                .start();
        Files.writeString(layout.pidFile(), Long.toString(p.pid()), StandardCharsets.US_ASCII);
        log.accept("proxy: started pid " + p.pid() + " as " + layout.user() + " (log " + layout.log() + ")");
        return p.toHandle();
    }

    /** A proxy of this node still running from before: the pid file's process, if it runs our jar on our socket. */
    private Optional<ProcessHandle> adopt() {
        try {
            long pid = Long.parseLong(Files.readString(layout.pidFile()).trim());
            Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (p.isEmpty()) return Optional.empty();
            String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
            return cmdline.contains(layout.installedJar().toString()) && cmdline.contains(layout.control().toString()) ? p : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private void waitForControl() throws IOException {
        long until = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < until) {
            if (proxy == null || !proxy.isAlive()) throw new IOException("yoq-proxy exited at start: see " + layout.log());
            if (Files.exists(layout.control())) {
                try {
                    send(request("status", null));
                    return;
                } catch (IOException e) {
                    // not accepting yet
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IOException("yoq-proxy did not open " + layout.control() + " within 20 s: see " + layout.log());
    }

    /** Stops supervising; the proxy itself keeps serving (it outlives the helper by design). */
    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** Stops the proxy too (tests, and removing a node). */
    public void stopProxy() {
        close();
        ProcessHandle p = proxy;
        if (p != null && p.isAlive()) {
            p.destroy();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }
}
