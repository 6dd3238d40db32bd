package dev.yoq.cli;

import java.nio.file.Path;
import java.util.Map;

import dev.yoq.manifest.HostPathRules;
import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.ManifestException;
import dev.yoq.manifest.ManifestLoader;
import dev.yoq.manifest.ManifestPaths;
import dev.yoq.node.protocol.HostPaths;
import dev.yoq.node.protocol.Wire;
import java.util.ArrayList;
import java.util.List;
import dev.yoq.manifest.Problem;
import picocli.CommandLine.Option;

/** {@code -f PATH} (default manifest.toml) and loading it with the caller's environment for ${VAR} expansion. */
public class ManifestOptions {

    @Option(names = {"-f", "--file"}, paramLabel = "PATH", description = "manifest file (default: manifest.toml)")
    Path file = Path.of("manifest.toml");

    /** The app name when the manifest has no {@code app} key: the current directory's name. */
    static String directoryAppName() {
        Path cwd = Path.of("").toAbsolutePath().getFileName();
        return cwd == null ? "app" : cwd.toString();
    }

    ManifestLoader.Result load(Map<String, String> env) {
        return ManifestLoader.load(file, directoryAppName(), env::get);
    }

    /**
     * Loads and checks the manifest, then the host paths it names (made absolute from its directory) against this
     * node's rule ({@link #hostPaths}): {@code validate} and {@code up} refuse what the server would refuse.
     */
    ManifestLoader.Result loadChecked(GlobalOptions options) {
        ManifestLoader.Result result = load(options.env());
        Manifest absolute = ManifestPaths.absolute(result.manifest(), file.toAbsolutePath().getParent());
        List<Problem> refused = HostPathRules.check(absolute, hostPaths(options));
        if (!refused.isEmpty()) {
            List<Problem> all = new ArrayList<>(result.warnings());
            all.addAll(refused);
            throw new ManifestException(file.toString(), all);
        }
        return result;
    }

    /**
     * This node's host-path rule as the CLI can know it: the data directory, the helper socket's directory
     * ({@code YOQ_NODE_SOCKET}), the install's runtime and helper binaries, and the operator's
     * {@code YOQ_HOST_PATHS_ALLOW}.
     */
    static HostPaths hostPaths(GlobalOptions options) {
        Map<String, String> env = options.env();
        String socket = env.getOrDefault("YOQ_NODE_SOCKET", "");
        List<Path> install = new ArrayList<>();
        String dir = System.getProperty("yoq.install.dir");
        if (dir != null) {
            for (String p : List.of("liberty-config/target/liberty/wlp", "node-helper/daemon/target", "node-helper/init/target")) {
                install.add(Path.of(dir, p));
            }
        }
        String liberty = env.get("YOQ_LIBERTY_HOME");
        if (liberty != null && !liberty.isBlank()) install.add(Path.of(liberty));
        try {
            return HostPaths.forNode(options.layout(), Path.of(socket.isBlank() ? Wire.DEFAULT_SOCKET : socket), install,
                    env.getOrDefault(HostPaths.ALLOW_ENV, ""));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    String display() {
        return file.toString();
    }

    static String line(Problem p, String file) {
        return (p.isError() ? "error: " : "warning: ") + p.describe(file);
    }
}
