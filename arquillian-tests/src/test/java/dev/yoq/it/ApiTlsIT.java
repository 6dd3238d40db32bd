package dev.yoq.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on the API, on a copy of the production server ("yoqtls", port 7792, data of its own, no node helper):
 * `yoq server start` with HTTPS makes the CA and the server certificate, the CLI verifies the server with that CA
 * (and refuses a server its CA did not sign), plain HTTP gets no answer, the CLI never sends a token over plain HTTP
 * beyond loopback, and a start without HTTPS serves plain HTTP again.
 */
class ApiTlsIT {
    static final String NAME = "yoqtls";
    static final int PORT = 7792;
    static final Path SERVERS = YoqServer.SERVER_DIR.getParent();

    @TempDir
    static Path home;

    static Map<String, String> env(String... extra) {
        // a socket of its own that no helper serves: this server must never talk to a live yoq's helper
        Map<String, String> env = new HashMap<>(Map.of("YOQ_SERVER_NAME", NAME, "YOQ_API_PORT", String.valueOf(PORT),
                "YOQ_HOME", home.resolve("data").toString(), "YOQ_NODE_HELPER", "off", "YOQ_PROXY", "off",
                "YOQ_NODE_SOCKET", home.resolve("run").resolve("node.sock").toString()));
        for (int i = 0; i < extra.length; i += 2) env.put(extra[i], extra[i + 1]);
        return env;
    }

    @BeforeAll
    static void copyTheProductionServer() throws Exception {
        ServerLifecycleIT.copyProductionServer(NAME);
    }

    @AfterAll
    static void stopAndRemove() throws Exception {
        CliIT.yoq(env(), "server", "stop");
        Path log = SERVERS.resolve(NAME).resolve("logs").resolve("messages.log");   // kept for a failure's reader
        if (Files.exists(log)) Files.copy(log, Path.of("target", "ApiTlsIT-messages.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ServerLifecycleIT.deleteTree(SERVERS.resolve(NAME));
    }

    @Test
    void the_cli_verifies_the_apis_certificate_and_never_sends_a_token_over_plain_http_beyond_loopback() throws Exception {
        CliIT.Run start = CliIT.yoq(env("YOQ_API_TLS", "on"), "server", "start");
        assertThat(start.exit()).as(start.out() + start.err()).isZero();
        Path tls = home.resolve("data").resolve("tls");
        Path ca = tls.resolve("api-ca.crt");
        assertThat(ca).exists();
        assertThat(Files.getPosixFilePermissions(tls.resolve("api.p12"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(tls.resolve("liberty-tls.xml"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        // the local CLI finds the CA beside the token and speaks HTTPS; so does curl with that CA
        CliIT.Run status = CliIT.yoq(env(), "--json", "ps");
        assertThat(status.exit()).as(status.out() + status.err()).isZero();
        CliIT.Run explicit = CliIT.yoq(env(), "--server", "https://127.0.0.1:" + PORT, "--json", "ps");
        assertThat(explicit.exit()).as(explicit.err()).isZero();
        CliIT.Run curl = EdgeAppIT.run("curl", "-sS", "--max-time", "5", "--cacert", ca.toString(), "-w", "\n%{http_code}",
                "https://127.0.0.1:" + PORT + "/version");
        assertThat(curl.out()).as(curl.err()).endsWith("200");
        CliIT.Run plain = EdgeAppIT.run("curl", "-sS", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:" + PORT + "/version");
        assertThat(plain.out()).as("no plain HTTP on the API port").isNotEqualTo("200");

        // a server another CA signed is refused before a token goes out
        Path stranger = home.resolve("stranger.crt");
        CliIT.Run made = EdgeAppIT.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
                "/CN=stranger", "-days", "1", "-keyout", home.resolve("stranger.key").toString(), "-out", stranger.toString());
        assertThat(made.exit()).as(made.err()).isZero();
        // (from a client whose own data directory has no server: YOQ_CA is then the CA it trusts)
        CliIT.Run wrong = CliIT.yoq(env("YOQ_CA", stranger.toString(), "YOQ_HOME", home.resolve("client").toString()),
                "--server", "https://127.0.0.1:" + PORT, "--token", "a".repeat(64), "ps");
        assertThat(wrong.exit()).isNotZero();
        assertThat(wrong.err()).contains("TLS with 127.0.0.1:" + PORT + " failed");

        // never a token over plain HTTP beyond loopback (refused before any connection), unless the operator says so
        CliIT.Run refused = CliIT.yoq(env(), "--server", "http://192.0.2.1:7700", "--token", "a".repeat(64), "ps");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("refusing to send the API token over plain HTTP to 192.0.2.1:7700");

        // started again without HTTPS: plain HTTP on loopback, the include gone, the CA kept for a later start
        CliIT.Run stop = CliIT.yoq(env(), "server", "stop");
        assertThat(stop.exit()).as(stop.out() + stop.err()).isZero();
        CliIT.Run again = CliIT.yoq(env(), "server", "start");
        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        assertThat(tls.resolve("liberty-tls.xml")).doesNotExist();
        assertThat(ca).exists();
        CliIT.Run plainNow = EdgeAppIT.run("curl", "-sS", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:" + PORT + "/version");
        assertThat(plainNow.out()).isEqualTo("200");
        assertThat(CliIT.yoq(env(), "--json", "ps").exit()).isZero();
    }
}
