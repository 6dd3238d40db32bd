package dev.yoq.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
        return port == null || port.isBlank() ? ServerAddress.local(ServerAddress.DEFAULT_PORT)
                : ServerAddress.parse("127.0.0.1:" + port.strip());
    }

    /** The token to send; a missing token file is not an error here, the server's 401 explains it. */
    public String token() {
        if (token != null && !token.isBlank()) {
            return token.strip();
        }
        String fromEnv = env.get("YOQ_TOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        try {
            return ApiTokenFile.read(layout().apiToken());
        } catch (NoSuchFileException missing) {
            return null;
        } catch (IOException e) {
            throw new CliException("cannot use the API token: " + e.getMessage());
        }
    }

    /** Where the token came from, for error messages. */
    public String tokenSource() {
        if (token != null && !token.isBlank()) {
            return "--token";
        }
        if (env.get("YOQ_TOKEN") != null && !env.get("YOQ_TOKEN").isBlank()) {
            return "YOQ_TOKEN";
        }
        return Files.exists(layout().apiToken()) ? layout().apiToken().toString()
                : "no token (" + layout().apiToken() + " does not exist)";
    }

    public ApiClient client() {
        return new ApiClient(server(), token(), this::tokenSource);
    }
}
