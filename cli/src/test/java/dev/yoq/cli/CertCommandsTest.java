package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code yoq cert} in-process against a scripted server: what it sends, what it prints, how it fails. */
class CertCommandsTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    int run(HttpLiteTest.Scripted server, String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--server", "127.0.0.1:" + server.server.getLocalPort(), "--token", "t"}, 0, all, args.length, 4);
        return Main.run(all, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** Each command opens its own connection, so every answer closes its own. */
    static String ok(String json) {
        return "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json;
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void install_sends_both_files_and_prints_the_expiry_day() throws Exception {
        Path cert = Files.writeString(dir.resolve("c.pem"), "-----BEGIN CERTIFICATE-----\nQQ==\n-----END CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("k.pem"), "KEY");
        try (var server = new HttpLiteTest.Scripted(ok("{\"status\":\"ok\",\"domain\":\"example.test\",\"not_after\":4102444800}"))) {
            assertThat(run(server, "cert", "install", "Example.test", "--cert", cert.toString(), "--key", key.toString())).isZero();
            assertThat(out()).isEqualTo("certificate installed: example.test (expires 2100-01-01)\n");
            assertThat(server.heads.get(0)).startsWith("POST /v1/certificates HTTP/1.1\n")
                    .contains("\"domain\":\"Example.test\"").contains("\"key\":\"KEY\"").contains("\"cert\":\"-----BEGIN CERTIFICATE-----\\nQQ==\\n");
        }
    }

    @Test
    void install_refuses_a_missing_or_oversized_file_before_sending() throws Exception {
        Path key = Files.writeString(dir.resolve("k.pem"), "K".repeat(16 * 1024 + 1));
        try (var server = new HttpLiteTest.Scripted(ok("{}"))) {
            assertThat(run(server, "cert", "install", "a.test", "--cert", dir.resolve("nope.pem").toString(), "--key", key.toString())).isEqualTo(1);
            assertThat(err()).isEqualTo("error: " + dir.resolve("nope.pem") + ": no such file\n");
            err.reset();
            assertThat(run(server, "cert", "install", "a.test", "--cert", key.toString(), "--key", key.toString())).isEqualTo(1);
            assertThat(err()).isEqualTo("error: " + key + ": larger than 16 KiB, is it a PEM file?\n");
            assertThat(server.heads).isEmpty();
        }
    }

    @Test
    void list_prints_a_table_or_the_api_array() throws Exception {
        String array = "[{\"domain\":\"a.test\",\"not_after\":4102444800,\"source\":\"manual\",\"created_at\":1,\"managed\":false}]";
        try (var server = new HttpLiteTest.Scripted(ok(array), ok(array), ok("[]"))) {
            assertThat(run(server, "cert", "list")).isZero();
            assertThat(out()).isEqualTo(String.format("%-40s %-8s %s%n%-40s %-8s %s%n", "DOMAIN", "SOURCE", "EXPIRES", "a.test", "manual", "2100-01-01"));
            out.reset();
            assertThat(run(server, "cert", "list", "--json")).isZero();
            assertThat(out()).isEqualTo(array + "\n");
            out.reset();
            assertThat(run(server, "cert", "list")).isZero();
            assertThat(out()).isEqualTo("no certificates\n");
        }
    }

    @Test
    void rm_prints_the_domain_or_the_servers_error() throws Exception {
        String notFound = "{\"error\":\"certificate not found: b.test\"}";
        try (var server = new HttpLiteTest.Scripted(ok("{\"status\":\"removed\"}"),
                "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: " + notFound.length() + "\r\n\r\n" + notFound)) {
            assertThat(run(server, "cert", "rm", "*.a.test")).isZero();
            assertThat(out()).isEqualTo("certificate removed: *.a.test\n");
            assertThat(run(server, "cert", "rm", "b.test")).isEqualTo(1);
            assertThat(err()).isEqualTo("error: the server answered 404: certificate not found: b.test\n");
            assertThat(server.heads.get(0)).startsWith("DELETE /v1/certificates/*.a.test HTTP/1.1\n");
        }
    }

    @Test
    void renew_and_provision_say_acme_is_not_built() {
        for (String sub : new String[] {"renew", "provision"}) {
            err.reset();
            assertThat(Main.run(new String[] {"cert", sub, "a.test"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(1);
            assertThat(err()).isEqualTo("error: ACME is not built yet: install a certificate with `yoq cert install`\n");
        }
        out.reset();
        assertThat(Main.run(new String[] {"cert", "--help"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).isZero();
        assertThat(out()).contains("install").contains("list").contains("rm").contains("renew").contains("provision");
    }
}
