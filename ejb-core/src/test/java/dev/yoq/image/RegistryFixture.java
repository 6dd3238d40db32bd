package dev.yoq.image;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real registry (Debian's docker-registry, distribution 2.8) on 127.0.0.1 with its own config and storage, and
 * test images built with umoci from busybox-static and pushed with skopeo, an independent client.
 */
final class RegistryFixture implements AutoCloseable {
    final int port;
    final Path dir;
    final String address;
    private final Process registry;

    private RegistryFixture(Path dir, String address, int port, Process registry) {
        this.dir = dir;
        this.address = address;
        this.port = port;
        this.registry = registry;
    }

    static void requireTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("/usr/bin/docker-registry", "/usr/bin/skopeo", "/usr/bin/umoci", "/bin/busybox")) {
            if (!Files.isExecutable(Path.of(tool))) missing.add(tool);
        }
        if (!missing.isEmpty()) System.err.println("*** SKIPPED registry test: missing " + missing + " (apt-get install docker-registry skopeo umoci busybox-static) ***");
        assumeTrue(missing.isEmpty());
    }

    /** Starts a registry; with htpasswd (user, password) it wants basic auth. */
    static RegistryFixture start(Path dir, String user, String password) throws Exception {
        return start(dir, user, password, "127.0.0.1");
    }

    /** The same, listening on {@code address} (a non-loopback one is where HTTPS is the default). */
    static RegistryFixture start(Path dir, String user, String password, String address) throws Exception {
        String auth = "";
        if (user != null) {
            Process h = new ProcessBuilder("htpasswd", "-Bbn", user, password).start();
            Files.write(dir.resolve("htpasswd"), h.getInputStream().readAllBytes());
            h.waitFor();
            auth = "auth:\n  htpasswd:\n    realm: test\n    path: " + dir.resolve("htpasswd") + "\n";
        }
        return launch(dir, auth, address);
    }

    /** Starts a registry that wants bearer tokens from {@code issuer} (its {@code auth.token} mode). */
    static RegistryFixture startWithTokens(Path dir, TokenIssuer issuer) throws Exception {
        return launch(dir, "auth:\n  token:\n    realm: " + issuer.realm() + "\n    service: " + TokenIssuer.SERVICE
                + "\n    issuer: " + TokenIssuer.ISSUER + "\n    rootcertbundle: " + issuer.certificate + "\n", "127.0.0.1");
    }

    private static RegistryFixture launch(Path dir, String auth, String address) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StringBuilder config = new StringBuilder("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: "
                + dir.resolve("storage") + "\n  delete:\n    enabled: true\nhttp:\n  addr: " + address + ":" + port + "\n");
        config.append(auth);
        Files.writeString(dir.resolve("config.yml"), config);
        Process p = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket s = new java.net.Socket(address, port)) {
                return new RegistryFixture(dir, address, port, p);
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroy();
        throw new IOException("docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
    }

    String host() { return address + ":" + port; }

    /** Builds a busybox image with `layers` layers (umoci), pushes it (skopeo) as repo:tag, returns its digest. */
    String pushBusybox(String repoTag, int layers, String creds) throws Exception {
        Path work = Files.createTempDirectory(dir, "img");
        run(work, "umoci", "init", "--layout", "oci");
        run(work, "umoci", "new", "--image", "oci:t");
        for (int i = 0; i < layers; i++) {
            run(work, "umoci", "unpack", "--image", "oci:t", "bundle");
            Path rootfs = work.resolve("bundle/rootfs");
            if (i == 0) {
                Files.createDirectories(rootfs.resolve("bin"));
                Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
                Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
            } else {
                Files.writeString(rootfs.resolve("layer-" + i + ".txt"), "layer " + i + "\n");
            }
            run(work, "umoci", "repack", "--image", "oci:t", "bundle");
            run(work, "rm", "-rf", "bundle");
        }
        run(work, "umoci", "config", "--image", "oci:t", "--config.cmd", "/bin/sh", "--config.env", "GREETING=hi", "--config.workingdir", "/srv");
        List<String> copy = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false"));
        if (creds != null) copy.addAll(List.of("--dest-creds", creds));
        copy.addAll(List.of("oci:" + work.resolve("oci") + ":t", "docker://" + host() + "/" + repoTag));
        run(work, copy.toArray(new String[0]));
        List<String> inspect = new ArrayList<>(List.of("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}"));
        if (creds != null) inspect.addAll(List.of("--creds", creds));
        inspect.add("docker://" + host() + "/" + repoTag);
        return run(work, inspect.toArray(new String[0])).strip();
    }

    static String run(Path cwd, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        registry.destroy();
        registry.waitFor();
    }

    static File devNull() { return new File("/dev/null"); }
}
