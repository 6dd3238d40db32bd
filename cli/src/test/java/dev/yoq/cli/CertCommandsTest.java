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

    int runWithEnv(HttpLiteTest.Scripted server, Map<String, String> env, String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--server", "127.0.0.1:" + server.server.getLocalPort(), "--token", "t"}, 0, all, args.length, 4);
        return Main.run(all, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void provision_sends_only_the_given_flags_with_the_env_email_and_prints_the_expiry() throws Exception {
        String issued = "{\"status\":\"issued\",\"domain\":\"a.test\",\"not_after\":4102444800}";
        try (var server = new HttpLiteTest.Scripted(ok(issued), ok(issued))) {
            assertThat(runWithEnv(server, Map.of("YOQ_ACME_EMAIL", "ops@a.test"), "cert", "provision", "a.test")).isZero();
            assertThat(out()).isEqualTo("certificate issued: a.test (expires 2100-01-01)\n");
            assertThat(server.heads.get(0)).startsWith("POST /v1/certificates/a.test/provision HTTP/1.1\n").endsWith("\n{\"email\":\"ops@a.test\"}");
            assertThat(runWithEnv(server, Map.of(), "cert", "provision", "*.a.test", "--email", "me@a.test", "--staging", "--dns-provider", "exec",
                    "--dns-hook", "/usr/local/bin/dns-hook", "--dns-hook-arg", "--zone", "--dns-hook-arg", "a.test",
                    "--dns-propagation-timeout-secs", "60", "--dns-poll-interval-secs", "2")).isZero();
            assertThat(server.heads.get(1)).startsWith("POST /v1/certificates/*.a.test/provision HTTP/1.1\n")
                    .endsWith("\n{\"email\":\"me@a.test\",\"staging\":true,\"challenge\":\"dns-01\",\"dns_provider\":\"exec\","
                            + "\"dns_hook\":[\"/usr/local/bin/dns-hook\",\"--zone\",\"a.test\"],\"dns_propagation_timeout_secs\":60,\"dns_poll_interval_secs\":2}");
        }
    }

    @Test
    void renew_sends_no_environment_email_so_the_stored_settings_stay() throws Exception {
        try (var server = new HttpLiteTest.Scripted(ok("{\"status\":\"issued\",\"domain\":\"a.test\",\"not_after\":4102444800}"))) {
            assertThat(runWithEnv(server, Map.of("YOQ_ACME_EMAIL", "ops@a.test"), "cert", "renew", "a.test", "--json")).isZero();
            assertThat(out()).isEqualTo("{\"status\":\"issued\",\"domain\":\"a.test\",\"not_after\":4102444800}\n");
            assertThat(server.heads.get(0)).startsWith("POST /v1/certificates/a.test/renew HTTP/1.1\n").endsWith("\n{}");
        }
    }

    @Test
    void the_preflight_refuses_what_cannot_work_before_contacting_the_server() throws Exception {
        String[][] cases = {
                {"--dns-provider", "bind", "unknown dns provider bind: cloudflare, route53, gcloud or exec"},
                {"--dns-provider", "exec", "the exec dns provider needs --dns-hook PATH"},
                {"--dns-hook", "/bin/hook", "the --dns-* options need --dns-provider (DNS-01)"},
                {"--dns-provider", "exec", "--dns-hook", "/bin/hook", "--dns-poll-interval-secs", "0", "--dns-poll-interval-secs: must be 1-4294967295, got 0"},
                {"--dns-provider", "exec", "--dns-hook", "/bin/hook", "--dns-propagation-timeout-secs", "4294967296",
                        "--dns-propagation-timeout-secs: must be 1-4294967295, got 4294967296"},
                {"--dns-provider", "exec", "--dns-hook", "/bin/hook", "--dns-config", "=x", "--dns-config: expected key=value, got '=x'"},
                {"--dns-provider", "exec", "--dns-hook", "/bin/hook", "--dns-secret", "token", "--dns-secret: expected key=value, got 'token'"},
                {"--dns-provider", "cloudflare", "--dns-config", "zone_id=z", "dns provider cloudflare needs --dns-secret api_token=SECRETNAME"},
                {"--dns-provider", "route53", "--dns-secret", "access_key_id=a", "--dns-secret", "secret_access_key=s",
                        "dns provider route53 needs --dns-config hosted_zone_id=VALUE"},
                {"--dns-provider", "gcloud", "--dns-hook", "/bin/hook", "--dns-hook is only used with --dns-provider exec"},
                {"--email", "nobody", "email: not an email address: nobody"}};
        try (var server = new HttpLiteTest.Scripted(ok("{}"))) {
            for (String[] c : cases) {
                err.reset();
                String[] args = new String[c.length + 2];
                args[0] = "cert";
                args[1] = "provision";
                args[2] = "a.test";
                System.arraycopy(c, 0, args, 3, c.length - 1);
                assertThat(run(server, args)).as(String.join(" ", c)).isEqualTo(1);
                assertThat(err()).as(String.join(" ", c)).isEqualTo("error: " + c[c.length - 1] + "\n");
            }
            assertThat(server.heads).isEmpty();
        }
    }

    @Test
    void the_servers_acme_failure_is_printed() throws Exception {
        String failure = "{\"error\":\"ACME order for a.test: challenge http-01 invalid: 404\"}";
        try (var server = new HttpLiteTest.Scripted("HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: " + failure.length()
                + "\r\n\r\n" + failure)) {
            assertThat(run(server, "cert", "provision", "a.test")).isEqualTo(1);
            assertThat(err()).isEqualTo("error: the server answered 502: ACME order for a.test: challenge http-01 invalid: 404\n");
        }
    }

    @Test
    void list_shows_a_failing_renewal_under_its_certificate() throws Exception {
        String array = "[{\"domain\":\"a.test\",\"not_after\":4102444800,\"source\":\"acme\",\"renewal_error\":\"CA down\",\"renewal_retry_at\":4102441200}]";
        try (var server = new HttpLiteTest.Scripted(ok(array))) {
            assertThat(run(server, "cert", "list")).isZero();
            assertThat(out()).endsWith(String.format("%-40s %-8s %s%n", "a.test", "acme", "2100-01-01")
                    + "  renewal failing (next try 2099-12-31T23:00:00Z): CA down\n");
        }
    }
}
