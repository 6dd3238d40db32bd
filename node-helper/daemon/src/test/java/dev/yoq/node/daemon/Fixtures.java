package dev.yoq.node.daemon;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Root filesystems for the privileged tests: busybox-static, plus a small C probe for syscalls busybox lacks. */
final class Fixtures {
    static final Path BUSYBOX = Path.of("/bin/busybox");
    /**
     * The names the helper tests own: a user's yoq may run on this host (bridge yoq0, 10.42.0.0/16, table ip yoq,
     * yoq-* namespaces, the yoq cgroups) and the suite never touches them.
     */
    static final dev.yoq.node.protocol.NodeNames NAMES = new dev.yoq.node.protocol.NodeNames("yoqit0", "10.242.0.0/16", "yoq_it",
            "yoqit-", "yoq_it", "10.252.0.0/16", "wgyoqit");

    private Fixtures() {}

    /** Skips the calling test, loudly, when it cannot run here (not root, no busybox-static). */
    static void requirePrivilegedLane() {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean busybox = Files.isExecutable(BUSYBOX);
        if (!root || !busybox) {
            System.err.println("*** SKIPPED privileged container test: " + (root ? "" : "not running as root; ")
                    + (busybox ? "" : "busybox-static is not installed (apt-get install busybox-static)") + " ***");
        }
        assumeTrue(root && busybox, "privileged lane needs root and busybox-static");
    }

    /**
     * Stops and removes every container the helper knows, closes the client, and deletes the lane's own table
     * and bridge (never any other): a test class's last step.
     */
    static void removeAll(dev.yoq.node.NodeClient client) throws IOException {
        for (dev.yoq.node.protocol.ContainerState c : client.list()) {
            if (c.running()) client.stop(c.id(), 100);
            client.remove(c.id());
        }
        client.close();
        removeLaneNetwork(NAMES);
    }

    /** Deletes a lane's own nftables table, as a user flushing rules by hand would (the helper must rebuild it). */
    static void deleteLaneTable(dev.yoq.node.protocol.NodeNames names) throws IOException, InterruptedException {
        run(List.of("nft", "delete", "table", "ip", names.table()));
    }

    /** Deletes, by handle, the rules of a lane's own table whose text contains {@code marker} (as another tool might). */
    static void deleteLaneRules(dev.yoq.node.protocol.NodeNames names, String marker) throws IOException, InterruptedException {
        String chain = null;
        for (String line : run(List.of("nft", "-a", "list", "table", "ip", names.table())).split("\n")) {
            String l = line.strip();
            if (l.startsWith("chain ")) chain = l.substring(6, l.indexOf(' ', 6));
            int handle = l.lastIndexOf("# handle ");
            if (chain != null && handle > 0 && l.contains(marker)) {
                run(List.of("nft", "delete", "rule", "ip", names.table(), chain, "handle", l.substring(handle + 9).strip()));
            }
        }
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    /** Deletes a test lane's nftables table and bridge; both names are the lane's own ({@link #NAMES}). */
    static void removeLaneNetwork(dev.yoq.node.protocol.NodeNames names) {
        for (List<String> cmd : List.of(List.of("nft", "delete", "table", "ip", names.table()), List.of("ip", "link", "del", names.bridge()),
                List.of("rm", "-rf", "/sys/fs/bpf/" + names.table()))) {   // the lane's BPF pins (its table's name)
            try {
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            } catch (IOException e) {
                // the tools are missing: there is nothing of ours to delete either
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A rootfs with busybox and its applets in /bin, /etc/passwd with root and a user 1000, and the probe. */
    static Path busyboxRootfs(Path dir) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
        for (String applet : new String(list.getInputStream().readAllBytes()).split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        list.waitFor();
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n");
        Files.writeString(dir.resolve("etc/group"), "root:x:0:\napp:x:1000:\n");
        compileProbe(bin.resolve("probe"));
        return dir;
    }

    private static void compileProbe(Path out) throws IOException, InterruptedException {
        Path source = Path.of("src/test/c/probe.c").toAbsolutePath();
        Process gcc = new ProcessBuilder(List.of("gcc", "-static", "-O1", "-o", out.toString(), source.toString()))
                .redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes());
        if (gcc.waitFor() != 0) throw new IOException("gcc probe.c failed: " + output);
    }
}
