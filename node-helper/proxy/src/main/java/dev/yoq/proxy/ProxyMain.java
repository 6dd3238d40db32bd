package dev.yoq.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.yoq.proxy.config.EdgeConfig;
import dev.yoq.proxy.control.ControlSocket;
import dev.yoq.proxy.http.EdgeServer;
import dev.yoq.proxy.stats.AccessLog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * yoq-proxy: {@code yoq-proxy --control SOCKET [--access-log FILE] [--threads N] [--config FILE]}. The node's L7
 * edge, run unprivileged by the helper (which gives it only CAP_NET_BIND_SERVICE for ports below 1024). It serves
 * nothing until a configuration arrives on the control socket (or from {@code --config}, for running it by hand);
 * from then on it serves the last configuration it was given, whatever happens to the server or the helper.
 */
public final class ProxyMain {
    private ProxyMain() {}

    public static void main(String[] args) throws Exception {
        Path control = null, accessLog = null, configFile = null;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--control" -> control = Path.of(required(args[i], value));
                case "--access-log" -> accessLog = Path.of(required(args[i], value));
                case "--config" -> configFile = Path.of(required(args[i], value));
                case "--threads" -> threads = Integer.parseInt(required(args[i], value));
                default -> exit("unknown option " + args[i]);
            }
            i++;
        }
        if (control == null && configFile == null) exit("--control SOCKET (or --config FILE) is required");
        Consumer<String> log = line -> System.err.println(Instant.now() + " yoq-proxy " + line);
        AccessLog access = new AccessLog(accessLog);
        EdgeServer server = new EdgeServer(threads, access, log);
        if (configFile != null) server.apply(new ObjectMapper().readValue(configFile.toFile(), EdgeConfig.class));
        ControlSocket socket = control == null ? null : new ControlSocket(control, server, log);
        if (socket != null) socket.bind();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.accept("stopping: draining open connections");
            server.drainAndClose(server.edge().snapshot().config().limits().drainMs());
            access.close();
            try {
                if (socket != null) socket.close();
            } catch (Exception e) {
                // exiting anyway
            }
        }));
        log.accept("started (control " + control + ", pid " + ProcessHandle.current().pid() + ")");
        Thread.currentThread().join();
    }

    private static String required(String option, String value) {
        if (value == null) exit(option + " needs a value");
        return value;
    }

    private static void exit(String message) {
        System.err.println("yoq-proxy: " + message);
        System.exit(2);
    }
}
