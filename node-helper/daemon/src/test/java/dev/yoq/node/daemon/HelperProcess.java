package dev.yoq.node.daemon;

import dev.yoq.node.NodeClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A real yoq-node process with its own socket and data directory, started from the packaged jar. */
final class HelperProcess implements AutoCloseable {
    final Path dir;
    final Path socket;
    final Path data;
    private Process process;
    private final String dataplane;

    HelperProcess(Path dir) {
        this(dir, "nftables");
    }

    /** {@code dataplane}: bpf or nftables (YOQ_DATAPLANE); the lane's BPF pins live under /sys/fs/bpf/yoq_it. */
    HelperProcess(Path dir, String dataplane) {
        this.dir = dir;
        this.dataplane = dataplane;
        this.socket = dir.resolve("node.sock");
        this.data = dir.resolve("data");
    }

    HelperProcess start() throws IOException, InterruptedException {
        Path jar = Path.of("target/yoq-node.jar").toAbsolutePath();
        String init = System.getProperty("yoq.init", "../init/target/yoq-init");
        ProcessBuilder pb = new ProcessBuilder(List.of(System.getProperty("java.home") + "/bin/java", "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--socket", socket.toString(),
                "--data-dir", data.toString(), "--init", Path.of(init).toAbsolutePath().toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.resolve("helper.log").toString())));
        pb.environment().putAll(Fixtures.NAMES.asEnv());   // names of the suite's own, never the host's yoq0 / ip yoq
        pb.environment().put("YOQ_DATAPLANE", dataplane);
        pb.environment().put("YOQ_PROXY", "off");   // the L7 edge has tests of its own (proxy module, EdgeAppIT)
        process = pb.start();
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) throw new IOException("yoq-node exited: " + Files.readString(dir.resolve("helper.log")));
            if (Files.exists(socket)) {
                try (NodeClient c = NodeClient.connect(socket)) {
                    return this;
                } catch (IOException e) {
                    // not listening yet
                }
            }
            Thread.sleep(50);
        }
        throw new IOException("yoq-node did not start: " + Files.readString(dir.resolve("helper.log")));
    }

    NodeClient client() throws IOException { return NodeClient.connect(socket); }

    /** kill -9: no shutdown hook, no cleanup, exactly a crash. */
    void crash() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    Path log(String id) { return data.resolve("logs").resolve(id + ".log"); }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }
}
