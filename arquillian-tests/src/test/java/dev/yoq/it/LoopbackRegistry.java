package dev.yoq.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real OCI registry (Debian's docker-registry) on a free loopback port, storing under {@code dir}; the tests
 * that need one skip loudly when it, skopeo or umoci is missing.
 */
final class LoopbackRegistry implements AutoCloseable {
    final Process process;
    final int port;

    private LoopbackRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static LoopbackRegistry start(Path dir, String what) throws Exception {
        for (String tool : List.of("/usr/bin/docker-registry", "/usr/bin/skopeo", "/usr/bin/umoci")) {
            if (!Files.isExecutable(Path.of(tool))) System.err.println("*** SKIPPED " + what + ": " + tool + " missing ***");
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of(tool)));
        }
        Files.createDirectories(dir);
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("config.yml"), "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
                + "    rootdirectory: " + dir.resolve("storage") + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
        Process registry = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        return new LoopbackRegistry(registry, port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
