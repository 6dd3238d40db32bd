package dev.yoq.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import dev.yoq.node.protocol.ApiTokenFile;
import dev.yoq.node.protocol.DataLayout;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options every command accepts, before or after its name: {@code --server}, {@code --token}, {@code --json}.
 * The token defaults to {@code YOQ_TOKEN}, then to the data directory's {@code api_token}.
 */
public class GlobalOptions {

    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
            description = "API server to talk to (default: the local server, 127.0.0.1:7700)")
    String server;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "API token (default: $YOQ_TOKEN, else <data dir>/api_token)")
    String token;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print JSON instead of text")
    boolean json;

    private final Map<String, String> env;

    public GlobalOptions(Map<String, String> env) {
        this.env = env;
    }

    public boolean json() {
        return json;
    }

    public Map<String, String> env() {
        return env;
    }

    public DataLayout layout() {
        return DataLayout.resolve(System.getProperty(DataLayout.DATA_DIR_PROPERTY), env,
                System.getProperty("user.home"));
    }

    public ServerAddress server() {
        if (server != null) {
            return ServerAddress.parse(server);
        }
        String port = env.get("YOQ_API_PORT");
        if (port != null && !port.isBlank()) return ServerAddress.parse("127.0.0.1:" + port.strip());
        return ServerAddress.local(clusterApiPort());
    }

    /** A cluster server's API port from its cluster.json (init-server --api-port), else the default 7700. */
    private int clusterApiPort() {
        try {
            dev.yoq.cluster.ClusterConfig cluster = dev.yoq.cluster.ClusterConfig.read(layout().root());
            return cluster == null ? ServerAddress.DEFAULT_PORT : cluster.apiPort();
        } catch (java.io.IOException | RuntimeException unreadable) {
            return ServerAddress.DEFAULT_PORT;   // server start reports the broken file itself
        }
    }

    /** The token to send and where it came from (for error messages); the token is null when there is none. */
    public record Credential(String token, String source) {
    }

    /**
     * {@code --token}, else {@code YOQ_TOKEN}, else the data directory's token file. A missing file is not an
     * error here: the server's 401 explains it, naming the source.
     */
    public Credential credential() {
        if (token != null && !token.isBlank()) {
            return new Credential(token.strip(), "--token");
        }
        String fromEnv = env.get("YOQ_TOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new Credential(fromEnv.strip(), "YOQ_TOKEN");
        }
        Path file = layout().apiToken();
        try {
            return new Credential(ApiTokenFile.read(file), file.toString());
        } catch (NoSuchFileException missing) {
            return new Credential(null, "no token (" + file + " does not exist)");
        } catch (IOException e) {
            throw new CliException("cannot use the API token: " + e.getMessage());
        }
    }

    public ApiClient client() {
        return new ApiClient(server(), credential());
    }
}
