package dev.yoq.edge;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real ACME CA for tests: Debian's {@code pebble} on loopback ports of its own, with {@code pebble-challtestsrv}
 * as its DNS server (every name resolves to 127.0.0.1, DNS-01 TXT records set through its management API). Its
 * directory is served over TLS with a certificate for localhost made here with openssl (the package ships none).
 * No artificial validation sleeps, no nonce rejections, no reused authorizations.
 */
public final class Pebble implements AutoCloseable {
    static final Path PEBBLE = Path.of("/usr/bin/pebble"), CHALLTESTSRV = Path.of("/usr/bin/pebble-challtestsrv");

    final Path dir;
    final int acmePort, managementPort, httpPort, dnsPort, challManagementPort;
    public final String tlsCertPem;
    private final List<Process> processes = new ArrayList<>();

    /** Why pebble cannot run here (a missing binary), or null when it can. */
    public static String missing() {
        if (!Files.isExecutable(PEBBLE) || !Files.isExecutable(CHALLTESTSRV)) return "pebble not installed (apt-get install pebble, see scripts/install-deps)";
        if (!onPath("openssl")) return "openssl not installed";
        return null;
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }

    /** Starts both; {@code httpPort} is where pebble looks for HTTP-01 answers (the test serves them there). */
    public Pebble(Path dir, int httpPort) throws Exception {
        this.dir = dir;
        this.httpPort = httpPort;
        this.acmePort = freePort();
        this.managementPort = freePort();
        this.dnsPort = freePort();
        this.challManagementPort = freePort();
        this.tlsCertPem = tlsCertificate();
        try {
            start(List.of(CHALLTESTSRV.toString(), "-dns01", "127.0.0.1:" + dnsPort, "-http01", "", "-https01", "", "-tlsalpn01", "",
                    "-management", "127.0.0.1:" + challManagementPort, "-defaultIPv6", ""), "challtestsrv.log");
            awaitPort(challManagementPort, "pebble-challtestsrv", "challtestsrv.log");
            start(List.of(PEBBLE.toString(), "-config", config().toString(), "-dnsserver", "127.0.0.1:" + dnsPort), "pebble.log");
            awaitPort(acmePort, "pebble", "pebble.log");
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    public URI directory() {
        return URI.create("https://localhost:" + acmePort + "/dir");
    }

    public String challManagement() {
        return "http://127.0.0.1:" + challManagementPort;
    }

    /** Pebble's root, made at its start: what issued chains must verify against. */
    public String rootPem() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(AcmeTrust.sslContext(tlsCertPem)).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + managementPort + "/roots/0"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("pebble /roots/0 answered " + r.statusCode());
        return r.body();
    }

    /** The end of a process's log, for failure messages. */
    String log(String name) {
        try {
            String text = Files.readString(dir.resolve(name));
            return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
        } catch (IOException e) {
            return "(no " + name + ")";
        }
    }

    private String tlsCertificate() throws Exception {
        Path cert = dir.resolve("localhost.crt"), key = dir.resolve("localhost.key");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1").redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("openssl failed: " + log("openssl.log"));
        return Files.readString(cert);
    }

    private Path config() throws IOException {
        String json = "{\"pebble\":{\"listenAddress\":\"127.0.0.1:" + acmePort + "\",\"managementListenAddress\":\"127.0.0.1:" + managementPort
                + "\",\"certificate\":\"" + dir.resolve("localhost.crt") + "\",\"privateKey\":\"" + dir.resolve("localhost.key")
                + "\",\"httpPort\":" + httpPort + ",\"tlsPort\":" + freePort() + ",\"ocspResponderURL\":\"\",\"externalAccountBindingRequired\":false}}";
        return Files.writeString(dir.resolve("pebble-config.json"), json, StandardCharsets.UTF_8);
    }

    private void start(List<String> command, String logName) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(logName).toFile());
        pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
        pb.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        // no reuse of valid authorizations (pebble reuses half by default): every order must answer its challenge
        pb.environment().put("PEBBLE_AUTHZREUSE", "0");
        processes.add(pb.start());
    }

    /** Until the port accepts, at most 20 s; fails at once with the log when the process ended. */
    private void awaitPort(int port, String what, String logName) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Process p = processes.get(processes.size() - 1);
        while (System.nanoTime() < end) {
            if (!p.isAlive()) throw new IOException(what + " exited with " + p.exitValue() + ": " + log(logName));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException(what + " did not listen on " + port + " within 20 s: " + log(logName));
    }

    /** A port free for both TCP and UDP right now (DNS needs both). */
    static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = s.getLocalPort();
                try (DatagramSocket u = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException udpTaken) {
                    // try another
                }
            }
        }
        throw new IOException("no free loopback port");
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
