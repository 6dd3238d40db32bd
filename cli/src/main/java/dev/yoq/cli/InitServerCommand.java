package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.cluster.ClusterConfig;
import dev.yoq.cluster.raft.RaftPeerAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code yoq init-server}: makes this node a server of a cluster (spec §1.5) and starts it. The settings go to
 * {@code <data dir>/cluster/cluster.json}, so a later {@code yoq server start} starts the same cluster server.
 */
@Command(name = "init-server", description = "Start this node as a Raft server of a cluster (the join token is --token).")
public class InitServerCommand implements Callable<Integer> {
    private static final Pattern API_TOKEN = Pattern.compile("[0-9a-f]{64}");

    @ParentCommand
    YoqCommand yoq;

    @Option(names = "--id", paramLabel = "N", description = "this server's id, 1-65534 (default 1)")
    int id = 1;

    @Option(names = "--port", paramLabel = "P", description = "Raft port (default 9700)")
    int raftPort = RaftPeerAddress.DEFAULT_PORT;

    @Option(names = "--api-port", paramLabel = "P", description = "API port, on every address (default 7700)")
    int apiPort = ClusterConfig.DEFAULT_API_PORT;

    @Option(names = "--peers", paramLabel = "ID@IP:PORT,...", description = "every server of the cluster, this one included (default: a cluster of one)")
    String peers;

    @Option(names = "--api-token", paramLabel = "HEX64", description = "the API token, 64 lowercase hex, the same on every server (default: <data dir>/api_token)")
    String apiToken;

    @Option(names = "--http-proxy-bind", paramLabel = "IPV4", description = "address of the HTTP routing listener (default 0.0.0.0)")
    String proxyBind;

    @Option(names = "--http-proxy-port", paramLabel = "P", description = "port of the HTTP routing listener (default 17080)")
    Integer proxyPort;

    @Option(names = "--log-format", paramLabel = "text|json", description = "server log format (default json)")
    String logFormat;

    @Override
    public Integer call() throws InterruptedException {
        String joinToken = yoq.options.token;
        ClusterConfig config;
        try {
            config = new ClusterConfig(id, raftPort, apiPort, RaftPeerAddress.parseList(peers), joinToken);
        } catch (IllegalArgumentException e) {
            throw new CliException("init-server: " + e.getMessage());
        }
        Path data = yoq.options.layout().root();
        try {
            installApiToken(data);
            config.write(data);
        } catch (IOException e) {
            throw new CliException("init-server: cannot write to " + data + ": " + e.getMessage(), e);
        }
        java.util.Map<String, String> env = new java.util.HashMap<>(yoq.options.env());
        env.put("YOQ_LOG_FORMAT", logFormat == null ? "json" : logFormat);
        if (proxyBind != null) env.put("YOQ_PROXY_ADDRESS", proxyBind);
        if (proxyPort != null) env.put("YOQ_PROXY_HTTP_PORT", String.valueOf(proxyPort));
        LocalServer local = LocalServer.locate(yoq.options).withEnv(env);
        ServerAddress api = ServerAddress.local(apiPort);
        if (ServerStarter.startAndAwaitReady(yoq, local, api)) {
            // it was running already: it read its settings when it started, maybe before this cluster.json
            JsonNode status = new ApiClient(api, new GlobalOptions.Credential(readToken(data), "api_token")).get("/cluster/status").json();
            if (!status.path("cluster").asBoolean() || status.path("id").asInt() != id) {
                throw new CliException("init-server: a server already runs on port " + apiPort + " as "
                        + (status.path("cluster").asBoolean() ? "cluster server " + status.path("id").asInt() : "a single node")
                        + " and has not read these settings (saved in " + ClusterConfig.file(data) + "): restart it with "
                        + "'yoq server stop' then 'yoq server start'");
            }
        }
        yoq.out.println("cluster server " + id + " of " + config.peers().size() + " ready: API on 0.0.0.0:" + apiPort
                + ", Raft on " + config.self().address() + " (data dir " + data + ")");
        return 0;
    }

    private static String readToken(Path data) {
        try {
            return dev.yoq.node.protocol.ApiTokenFile.read(data.resolve("api_token"));
        } catch (IOException e) {
            throw new CliException("init-server: cannot read " + data.resolve("api_token") + ": " + e.getMessage(), e);
        }
    }

    /** --api-token is written to the data directory (0600); without it the file must exist (it is not made up here). */
    private void installApiToken(Path data) throws IOException {
        Path file = data.resolve("api_token");
        if (apiToken == null) {
            if (!Files.exists(file)) {
                throw new CliException("init-server: no API token: pass --api-token <64 lowercase hex> (the same on every "
                        + "server of the cluster) or put it in " + file);
            }
            return;
        }
        if (!API_TOKEN.matcher(apiToken).matches()) throw new CliException("init-server: --api-token must be 64 lowercase hex characters");
        Files.createDirectories(data);
        Path tmp = data.resolve("api_token.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, apiToken + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
