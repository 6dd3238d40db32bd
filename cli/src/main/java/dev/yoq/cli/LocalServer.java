package dev.yoq.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.yoq.node.protocol.DataLayout;

/**
 * The Open Liberty server "yoq" on this machine, driven through Liberty's own {@code bin/server} script. The
 * runtime is the one the build assembled ({@code liberty-config/target/liberty/wlp} under the checkout the
 * launcher runs from), or {@code $YOQ_LIBERTY_HOME}; the server is {@code yoq}, or {@code $YOQ_SERVER_NAME} to run
 * several on one host.
 */
public final class LocalServer {

    public static final String DEFAULT_SERVER_NAME = "yoq";

    private final Path wlp;
    private final String name;
    private final DataLayout layout;
    private final Map<String, String> env;

    public LocalServer(Path wlp, String name, DataLayout layout, Map<String, String> env) {
        this.wlp = wlp;
        this.name = name;
        this.layout = layout;
        this.env = env;
    }

    /** Where {@code yoq join} keeps the container subnet the cluster routes to this node. */
    public static Path keptSubnetFile(DataLayout layout) {
        return layout.root().resolve("cluster").resolve("node_subnet");
    }

    /**
     * The subnet {@code yoq join} kept for this node, which its server and helper lease from when {@code YOQ_SUBNET}
     * is not set (an explicit setting wins); null when none was kept.
     */
    String keptSubnet() {
        String explicit = env.get("YOQ_SUBNET");
        Path file = keptSubnetFile(layout);
        if ((explicit != null && !explicit.isBlank()) || !Files.isRegularFile(file)) return null;
        try {
            String subnet = Files.readString(file, StandardCharsets.US_ASCII).strip();
            dev.yoq.node.protocol.NodeNames.fromEnv(Map.of("YOQ_SUBNET", subnet));   // refuses anything but a subnet
            return subnet;
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("cannot use the node's subnet kept in " + file + ": " + e.getMessage() + " (remove the file, or set YOQ_SUBNET)", e);
        }
    }

    /** The same server, started with {@code env} as the settings' environment (init-server adds its flags). */
    public LocalServer withEnv(Map<String, String> env) {
        return new LocalServer(wlp, name, layout, Map.copyOf(env));
    }

    public static LocalServer locate(GlobalOptions options) {
        Map<String, String> env = options.env();
        String home = env.get("YOQ_LIBERTY_HOME");
        Path wlp;
        if (home != null && !home.isBlank()) {
            wlp = Path.of(home);
        } else {
            String install = System.getProperty("yoq.install.dir");
            if (install == null) {
                throw new CliException("cannot find the yoq server runtime: run yoq through its launcher (bin/yoq) "
                        + "or set YOQ_LIBERTY_HOME to the Liberty directory (…/wlp)");
            }
            wlp = Path.of(install, "liberty-config", "target", "liberty", "wlp");
        }
        if (!Files.isExecutable(wlp.resolve("bin/server"))) {
            throw new CliException("no Liberty runtime at " + wlp + ": build it first with "
                    + "'mvn -DskipTests install' in the yoq checkout, or set YOQ_LIBERTY_HOME");
        }
        String name = env.getOrDefault("YOQ_SERVER_NAME", DEFAULT_SERVER_NAME);
        if (!name.matches("[A-Za-z0-9._-]+") || !Files.isDirectory(wlp.resolve("usr/servers").resolve(name))) {
            throw new CliException("no Liberty server named '" + name + "' in " + wlp.resolve("usr/servers")
                    + " (YOQ_SERVER_NAME)");
        }
        return new LocalServer(wlp, name, options.layout(), env);
    }

    /** The node helper's socket: $YOQ_NODE_SOCKET, else /run/yoq/node.sock. */
    public Path nodeSocket() {
        String s = env.get("YOQ_NODE_SOCKET");
        return Path.of(s == null || s.isBlank() ? dev.yoq.node.protocol.Wire.DEFAULT_SOCKET : s);
    }

    /**
     * Starts yoq-node (bin/yoq-node beside the launcher) in its own session unless one already answers on the
     * socket, and waits until it does. Returns what happened, for the user.
     */
    public String ensureNodeHelper() {
        if (helperOff()) return "node helper not started: YOQ_NODE_HELPER=off (a server that runs no containers)";
        Path socket = nodeSocket();
        if (nodeHelperAnswers(socket)) return "node helper already running on " + socket;
        if (System.getProperty("yoq.install.dir") == null) return "node helper not started: run yoq through bin/yoq, or start bin/yoq-node yourself";
        if (!"root".equals(System.getProperty("user.name"))) {
            return "node helper not started: it needs root (containers are unavailable until it runs)";
        }
        Path launcher = helperLauncher();
        if (launcher == null) return "node helper not started: no executable bin/yoq-node in " + System.getProperty("yoq.install.dir");
        Path log = layout.logs().resolve("yoq-node.log");
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder("setsid", launcher.toString(),
                    "--socket", socket.toString(), "--data-dir", layout.root().toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            String kept = keptSubnet();
            if (kept != null) pb.environment().put("YOQ_SUBNET", kept);
            pb.start();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (nodeHelperAnswers(socket)) return "node helper started on " + socket + " (log " + log + ")";
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new CliException("cannot start the node helper: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
        throw new CliException("the node helper did not come up on " + socket + " within 20 s; see " + log);
    }

    /** {@code YOQ_NODE_HELPER=off}: a control-plane-only server (a cluster server that runs no containers). */
    boolean helperOff() {
        return "off".equalsIgnoreCase(env.getOrDefault("YOQ_NODE_HELPER", "").strip());
    }

    /** bin/yoq-node of this install when we run as root (only root can start it), else null. */
    static Path helperLauncher() {
        String install = System.getProperty("yoq.install.dir");
        if (install == null || !"root".equals(System.getProperty("user.name"))) return null;
        Path launcher = Path.of(install, "bin", "yoq-node");
        return Files.isExecutable(launcher) ? launcher : null;
    }

    static boolean nodeHelperAnswers(Path socket) {
        try (dev.yoq.node.NodeClient c = dev.yoq.node.NodeClient.connect(socket)) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public Path messagesLog() {
        return wlp.resolve("usr/servers").resolve(name).resolve("logs/messages.log");
    }

    public DataLayout layout() {
        return layout;
    }

    /** Whether Liberty's process for this server is running ({@code server status}: 0 running, 1 stopped). */
    public boolean running() {
        return script("status").exitCode() == 0;
    }

    public Result start() {
        return script("start");
    }

    public Result stop() {
        return script("stop");
    }

    /** The outcome of one {@code bin/server} call, with its combined output for error messages. */
    public record Result(int exitCode, String output) {
    }

    private Result script(String action) {
        List<String> command = new ArrayList<>(List.of(wlp.resolve("bin/server").toString(), action, name));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> childEnv = pb.environment();
        env.forEach((k, v) -> { if (k.startsWith("YOQ_") && !k.equals("YOQ_TOKEN")) childEnv.put(k, v); });   // settings, never the CLI's token
        childEnv.remove("YOQ_TOKEN");
        childEnv.put(DataLayout.DATA_DIR_ENV, layout.root().toString());
        childEnv.put("YOQ_LOG_FORMAT", logFormat(env.get("YOQ_LOG_FORMAT")));
        childEnv.put("YOQ_NODE_SOCKET", nodeSocket().toString());
        Path helper = helperOff() ? null : helperLauncher();
        if (helper != null) childEnv.put("YOQ_NODE_COMMAND", helper.toString());   // the server restarts a silent helper
        boolean clusterServer = clusterEnv(childEnv);
        // Liberty keeps the merged configuration in its workarea and does not notice an optional include coming or
        // going: when HTTPS is turned on or off, the start is a clean one
        if (action.equals("start") && apiTls(childEnv, clusterServer)) command.add("--clean");
        String kept = keptSubnet();
        if (kept != null) childEnv.put("YOQ_SUBNET", kept);   // and so to the helper the server restarts
        try {
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.waitFor(), output.strip());
        } catch (IOException e) {
            throw new CliException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
    }

    /**
     * A cluster server (one with {@code <data dir>/cluster/cluster.json}, written by init-server) listens on every
     * address at its configured API port, however it is started (init-server, or server start after a reboot).
     */
    private boolean clusterEnv(Map<String, String> childEnv) {
        try {
            dev.yoq.cluster.ClusterConfig cluster = dev.yoq.cluster.ClusterConfig.read(layout.root());
            if (cluster == null) return false;
            childEnv.put("YOQ_API_HOST", "0.0.0.0");
            childEnv.put("YOQ_API_PORT", String.valueOf(cluster.apiPort()));
            return true;
        } catch (IOException e) {
            throw new CliException("cannot read the cluster configuration: " + e.getMessage(), e);
        }
    }

    /** The warning {@code server start} prints about the API's transport; null when there is none. */
    private String apiWarning;

    public String apiWarning() {
        return apiWarning;
    }

    /**
     * HTTPS on the API or not for this start ({@link ApiTls#decide}): its files are made or its include removed.
     * Returns whether that changed since the last start.
     */
    private boolean apiTls(Map<String, String> childEnv, boolean clusterServer) {
        String host = childEnv.getOrDefault("YOQ_API_HOST", "127.0.0.1");
        ApiTls.Mode mode = ApiTls.decide(childEnv, host, clusterServer);
        apiWarning = mode.warning();
        boolean before = ApiTls.localServerTls(layout.root());
        try {
            if (mode.tls()) {
                ApiTls.enable(layout.root(), host, childEnv);
                if (childEnv.get("YOQ_API_TLS_CERT") == null) {
                    String stale = ApiTls.staleCertificate(layout.root(), host);
                    if (stale != null) apiWarning = stale;
                }
            } else {
                ApiTls.disable(layout.root());
            }
        } catch (IOException e) {
            throw new CliException("cannot prepare HTTPS for the API in " + ApiTls.dir(layout.root()) + ": " + e.getMessage(), e);
        }
        return before != ApiTls.localServerTls(layout.root());
    }

    /** Liberty's names for the two formats we offer: JSON lines, or its plain text ("simple"). */
    static String logFormat(String requested) {
        return requested != null && requested.strip().toLowerCase(Locale.ROOT).equals("json") ? "json" : "simple";
    }
}
