package dev.yoq.node.daemon.edge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Map;

/**
 * Where yoq-proxy runs and what as: its user (YOQ_PROXY_USER, default {@code yoq-proxy}, created as a system user on
 * first start), its directory (YOQ_PROXY_DIR, default {@code /var/lib/yoq-proxy/<nft table>}: control socket,
 * access log, its own log, pid file; owned by that user, 0700), its jar (YOQ_PROXY_JAR, default beside the helper's
 * build) and the saved configuration in the helper's data directory (root only: it holds private keys).
 */
public record ProxyLayout(String user, Path dir, Path jar, Path javaBinary, Path savedConfig, int heapMb) {

    public static ProxyLayout fromEnv(Map<String, String> env, String table, Path helperJar, Path dataRoot) {
        String user = env.getOrDefault("YOQ_PROXY_USER", "yoq-proxy");
        Path dir = Path.of(env.getOrDefault("YOQ_PROXY_DIR", "/var/lib/yoq-proxy/" + table));
        Path jar = env.containsKey("YOQ_PROXY_JAR") ? Path.of(env.get("YOQ_PROXY_JAR")) : defaultJar(helperJar);
        Path javaBinary = Path.of(ProcessHandle.current().info().command().orElse("java"));
        int heap = Integer.parseInt(env.getOrDefault("YOQ_PROXY_HEAP_MB", "256"));
        return new ProxyLayout(user, dir, jar, javaBinary, dataRoot.resolve("network").resolve("proxy.json"), heap);
    }

    /** yoq-proxy.jar beside the helper's jar (an install), else the one the build made next to it. */
    static Path defaultJar(Path helperJar) {
        if (helperJar == null) return Path.of("yoq-proxy.jar");
        Path beside = helperJar.resolveSibling("yoq-proxy.jar");
        if (Files.exists(beside)) return beside;
        return helperJar.getParent().resolve("../../proxy/target/yoq-proxy.jar").normalize();
    }

    public Path control() {
        return dir.resolve("control.sock");
    }

    public Path accessLog() {
        return dir.resolve("access.log");
    }

    public Path log() {
        return dir.resolve("proxy.log");
    }

    public Path pidFile() {
        return dir.resolve("proxy.pid");
    }

    /** The copy of the jar and its libraries the proxy runs (inside its own directory: see {@link #prepare}). */
    public Path installedJar() {
        return dir.resolve("app").resolve("yoq-proxy.jar");
    }

    /**
     * The user exists, the directory is its own and private, and the jar with its lib/ is copied into it (root
     * owned, read-only to the proxy): the build may sit in a home directory the proxy's user cannot read.
     */
    void prepare() throws IOException {
        if (!Files.isRegularFile(jar)) throw new IOException("yoq-proxy.jar not found at " + jar + " (set YOQ_PROXY_JAR)");
        ensureUser();
        Files.createDirectories(dir);
        Files.createDirectories(savedConfig.getParent());
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(dir, users.lookupPrincipalByName(user));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path app = dir.resolve("app");
        Files.createDirectories(app.resolve("lib"));
        Files.copy(jar, installedJar(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path lib = jar.resolveSibling("lib");
        if (Files.isDirectory(lib)) {
            try (var jars = Files.list(lib)) {
                for (Path j : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                    Files.copy(j, app.resolve("lib").resolve(j.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private void ensureUser() throws IOException {
        try {
            dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
            return;
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            // made below
        }
        try {
            Process p = new ProcessBuilder("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", "--user-group", user).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IOException("cannot create user " + user + " for yoq-proxy: " + out.trim());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted creating user " + user);
        }
    }
}
