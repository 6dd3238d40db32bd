package dev.yoq.node.protocol;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where yoq keeps its data on a node, shared by the server, the node helper and the CLI so that all three agree.
 * The directory is {@code yoq.data.dir} when set, else {@code $YOQ_HOME}, else {@code ~/.local/share/yoq}.
 */
public record DataLayout(Path root) {

    public static final String DATA_DIR_PROPERTY = "yoq.data.dir";
    public static final String DATA_DIR_ENV = "YOQ_DATA_DIR";
    public static final String HOME_ENV = "YOQ_HOME";

    /**
     * Resolves the data directory from an explicit setting, the environment and the user's home, in that order.
     * Blank values count as absent, so an empty {@code YOQ_HOME=} does not point yoq at the working directory.
     */
    public static DataLayout resolve(String configured, Map<String, String> env, String userHome) {
        if (configured != null && !configured.isBlank()) {
            return new DataLayout(Path.of(configured).toAbsolutePath().normalize());
        }
        for (String name : new String[] {DATA_DIR_ENV, HOME_ENV}) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return new DataLayout(Path.of(value).toAbsolutePath().normalize());
            }
        }
        if (userHome == null || userHome.isBlank()) {
            throw new IllegalStateException("cannot locate the yoq data directory: set YOQ_HOME or HOME");
        }
        return new DataLayout(Path.of(userHome, ".local", "share", "yoq").toAbsolutePath().normalize());
    }

    /** The data directory of the current process: system property, then environment, then home. */
    public static DataLayout current() {
        return resolve(System.getProperty(DATA_DIR_PROPERTY), System.getenv(), System.getProperty("user.home"));
    }

    public Path database() { return root.resolve("yoq.db"); }
    public Path apiToken() { return root.resolve("api_token"); }
    public Path blobs() { return root.resolve("blobs").resolve("sha256"); }
    public Path s3() { return root.resolve("s3"); }
    public Path containers() { return root.resolve("containers"); }
    public Path volumes() { return root.resolve("volumes"); }
    public Path logs() { return root.resolve("logs"); }
    public Path containerLog(String id) { return logs().resolve(id + ".log"); }
}
