package dev.yoq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The privileged lane's shared fixture: a busybox rootfs and the node helper the test server talks to (root and
 * busybox-static needed; the calling class is skipped loudly otherwise), and a cleanup that removes every
 * container so nothing outlives the test's data.
 */
final class PrivilegedLane {
    static final Path SOCKET = Path.of("/tmp/yoq-it-7781/node.sock");
    /**
     * The test server's node names (also in its server.xml): a user's yoq may be running on this host with the
     * defaults (yoq0, 10.42.0.0/16, ip yoq), and the suite never touches them.
     */
    static final dev.yoq.node.protocol.NodeNames NAMES = new dev.yoq.node.protocol.NodeNames("yoqat0", "10.243.0.0/16", "yoq_at",
            "yoqat-", "yoq_at", "10.253.0.0/16", "wgyoqat");
    static final List<String> APPLETS = List.of("sh", "echo", "sleep", "cat", "hostname", "true", "httpd", "wget", "ip", "timeout",
            "touch", "printenv", "date", "mkdir", "[", "nslookup", "seq", "kill", "stat", "tr", "grep");

    private PrivilegedLane() {}

    /** Starts the lane's helper alone (again, after a test killed it): the server's apps stay as they are. */
    static Process startHelper(Path tmp) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(YoqServer.REPO.resolve("bin/yoq-node").toString(), "--socket", SOCKET.toString(),
                "--data-dir", YoqServer.DATA_DIR.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(new File(tmp.resolve("helper.log").toString())));
        pb.environment().putAll(NAMES.asEnv());
        Files.deleteIfExists(SOCKET);
        Process helper = pb.start();
        long deadline = System.currentTimeMillis() + 20_000;
        while (!Files.exists(SOCKET) && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertThat(SOCKET).as("helper socket").exists();
        return helper;
    }

    /** Skips the class unless root with busybox-static; makes the rootfs and starts the helper. */
    static Process start(String testClass, Path tmp) throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean busybox = Files.isExecutable(Path.of("/bin/busybox"));
        if (!root || !busybox) System.err.println("*** SKIPPED " + testClass + " (privileged lane): needs root and busybox-static ***");
        assumeTrue(root && busybox);
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("www"));
        Files.writeString(rootfs.resolve("www/index.html"), "hello from the front end\n");
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        for (String applet : APPLETS) Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
        Files.createDirectories(SOCKET.getParent());
        ProcessBuilder pb = new ProcessBuilder(YoqServer.REPO.resolve("bin/yoq-node").toString(), "--socket", SOCKET.toString(),
                "--data-dir", YoqServer.DATA_DIR.toString())
                .redirectErrorStream(true).redirectOutput(new File(tmp.resolve("helper.log").toString()));
        pb.environment().putAll(NAMES.asEnv());
        Files.deleteIfExists(SOCKET);   // a helper killed by an earlier class leaves its socket file: wait for the new one
        Process helper = pb.start();
        long deadline = System.currentTimeMillis() + 20_000;
        while (!Files.exists(SOCKET) && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertThat(SOCKET).as("helper socket").exists();
        downAllApps(testClass);   // what an interrupted earlier run left
        return helper;
    }

    static Path rootfs(Path tmp) {
        return tmp.resolve("rootfs");
    }

    /**
     * Takes every app of the test server down (their containers, VIPs and host ports): the server's data outlives a
     * run, and an app an interrupted run left would hold its ports in the next.
     */
    static void downAllApps(String testClass) {
        try {
            for (JsonNode a : YoqServer.JSON.readTree(yoq("--json", "apps").out())) {
                if (!"down".equals(a.path("status").asText())) yoq("down", "--app", a.path("app_name").asText());
            }
        } catch (Exception e) {
            System.err.println("*** " + testClass + " could not take the test server's apps down: " + e + " ***");
        }
    }

    /** Takes every app down, removes every container (stopping running ones), then stops the helper. */
    static void stop(String testClass, Process helper) throws Exception {
        if (helper == null) return;
        downAllApps(testClass);
        try {
            for (JsonNode c : YoqServer.JSON.readTree(yoq("--json", "ps").out())) {
                if ("running".equals(c.path("status").asText())) yoq("stop", c.path("id").asText());
                yoq("rm", c.path("id").asText());
            }
        } catch (Exception e) {
            System.err.println("*** " + testClass + " cleanup could not remove its containers: " + e + " ***");
        }
        helper.destroy();
        helper.waitFor();
        removeLaneNetwork(NAMES);
    }

    /**
     * Deletes a lane's own nftables table and bridge (the names are the lane's, never a user's yoq), and stops its
     * yoq-proxy (which outlives its helper by design) and removes the proxy's directory.
     */
    static void removeLaneNetwork(dev.yoq.node.protocol.NodeNames names) throws Exception {
        Path proxyDir = Path.of("/var/lib/yoq-proxy", names.table());
        Path pid = proxyDir.resolve("proxy.pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(p -> {
                p.destroy();
                try {
                    p.onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            });
        }
        new ProcessBuilder("rm", "-rf", proxyDir.toString()).start().waitFor();
        for (List<String> cmd : List.of(List.of("nft", "delete", "table", "ip", names.table()), List.of("ip", "link", "del", names.bridge()),
                List.of("rm", "-rf", "/sys/fs/bpf/" + names.table()))) {   // the lane's BPF pins (its table's name)
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
    }

    static CliIT.Run yoq(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--server";   // before the command: after `run TARGET` everything is the container's command
        all[1] = CliIT.server();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliIT.yoq(Map.of(), all);
    }
}
