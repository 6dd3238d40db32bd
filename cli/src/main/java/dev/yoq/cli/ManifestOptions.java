package dev.yoq.cli;

import java.nio.file.Path;
import java.util.Map;

import dev.yoq.manifest.ManifestLoader;
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

    String display() {
        return file.toString();
    }

    static String line(Problem p, String file) {
        return (p.isError() ? "error: " : "warning: ") + p.describe(file);
    }
}
