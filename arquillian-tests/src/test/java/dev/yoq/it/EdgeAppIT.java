package dev.yoq.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The L7 edge end to end (privileged lane): the upstream http-routing example with busybox httpd in real
 * containers behind the lane's yoq-proxy (loopback 17781/17743), a certificate installed with the CLI and served
 * over TLS, a release under a 100 req/s client that must see no failure, and the proxy serving on while its
 * helper is killed and after a new helper adopts it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EdgeAppIT {
    static final String APP = "edge" + Long.toHexString(System.nanoTime() & 0xfff);
    static final String PROXY = "http://127.0.0.1:17781";
    @TempDir static Path tmp;
    static Path rootfs;
    static Process helper;
    static HttpClient client;

    static { System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host"); }

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return YoqServer.ear();
    }

    @BeforeAll
    static void start() throws Exception {
        helper = PrivilegedLane.start("EdgeAppIT", tmp);
        rootfs = PrivilegedLane.rootfs(tmp);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (helper != null) {
            PrivilegedLane.yoq("down", "--app", APP);
            PrivilegedLane.yoq("cert", "rm", "example.test");
        }
        PrivilegedLane.stop("EdgeAppIT", helper);
    }

    /** The http-routing example (§8), busybox httpd for http-echo: each service answers "<name> <version>". */
    static Path manifest(String gatewayVersion) throws Exception {
        StringBuilder t = new StringBuilder("app = \"" + APP + "\"\n");
        service(t, "gateway", 18401, gatewayVersion, 2);
        t.append("[service.gateway.http_routes.root]\nhost = \"demo.local\"\npath_prefix = \"/\"\n");
        t.append("[service.gateway.http_routes.admin]\nhost = \"demo.local\"\npath_prefix = \"/admin\"\npreserve_host = false\n");
        t.append("[service.gateway.http_routes.secure]\nhost = \"example.test\"\npath_prefix = \"/\"\n");
        t.append("[service.gateway.http_routes.acme]\nhost = \"acme.yoq.test\"\npath_prefix = \"/\"\n");
        service(t, "api", 18402, "v1", 1);
        t.append("""
                [service.api.http_proxy]
                host = "demo.local"
                path_prefix = "/api"
                rewrite_prefix = "/"
                match_methods = ["GET", "POST"]
                match_headers = ["x-env=canary"]
                backend_services = ["api=90", "api-canary=10"]
                mirror_service = "api-shadow"
                preserve_host = false
                retries = 2
                connect_timeout_ms = 1500
                request_timeout_ms = 5000
                retry_on_5xx = true
                circuit_breaker_threshold = 5
                circuit_breaker_timeout_ms = 15000
                """);
        service(t, "api-canary", 18403, "v1", 1);
        service(t, "api-shadow", 18404, "v1", 1);
        service(t, "docs", 18405, "v1", 1);
        t.append("[service.docs.http_proxy]\nhost = \"docs.demo.local\"\npath_prefix = \"/\"\n");
        Path dir = Files.createDirectories(tmp.resolve("m" + System.nanoTime()));
        return Files.writeString(dir.resolve("manifest.toml"), t.toString());
    }

    private static void service(StringBuilder t, String name, int port, String version, int replicas) {
        t.append("[service.").append(name).append("]\nimage = \"").append(rootfs).append("\"\nreplicas = ").append(replicas)
                .append("\ncommand = [\"sh\", \"-c\", \"mkdir -p /tmp/w/admin && echo ").append(name).append(' ').append(version)
                .append(" > /tmp/w/index.html && mkdir -p /tmp/w/api && cp /tmp/w/index.html /tmp/w/admin/ && cp /tmp/w/index.html /tmp/w/api/ && trap 'exit 0' TERM; httpd -f -p 8080 -h /tmp/w & wait\"]\n")
                .append("ports = [\"").append(port).append(":8080\"]\n")
                .append("[service.").append(name).append(".health_check]\ntype = \"http\"\npath = \"/\"\nport = 8080\ninterval = 1\ntimeout = 1\nretries = 2\n")
                .append("[service.").append(name).append(".rollout]\nstrategy = \"rolling\"\n");
    }

    static HttpResponse<String> get(String host, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(PROXY + path)).header("Host", host).timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the proxy routes {@code host} to an answer containing {@code want} (the config follows the server's table). */
    static void await(String host, String want) throws Exception {
        long until = System.currentTimeMillis() + 60_000;
        String last = "";
        while (System.currentTimeMillis() < until) {
            try {
                last = get(host, "/", Map.of()).body();
                if (last.contains(want)) return;
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the proxy never routed " + host + " to " + want + "; last answer: " + last);
    }

    @Test
    @Order(1)
    void the_http_routing_example_routes_by_host_path_header_and_method_with_weights_and_a_mirror() throws Exception {
        CliIT.Run up = PrivilegedLane.yoq("up", "-f", manifest("v1").toString());
        assertThat(up.exit()).as(up.out() + up.err()).isZero();
        await("demo.local", "gateway v1");
        assertThat(get("DOCS.demo.local:17781", "/", Map.of()).body()).isEqualTo("docs v1\n");
        assertThat(get("demo.local", "/admin/", Map.of()).body()).isEqualTo("gateway v1\n");
        assertThat(get("demo.local", "/api/", Map.of()).body()).as("no x-env header: the gateway's / route").isEqualTo("gateway v1\n");
        HttpResponse<String> none = get("nowhere.local", "/", Map.of());
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.body()).isEqualTo("{\"error\":\"route not found\"}");

        Map<String, Integer> seen = new ConcurrentHashMap<>();
        for (int i = 0; i < 2000; i++) {
            HttpResponse<String> r = get("demo.local", "/api/?n=" + i, Map.of("x-env", "canary"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            seen.merge(r.body().strip(), 1, Integer::sum);
        }
        assertThat(seen.keySet()).containsExactlyInAnyOrder("api v1", "api-canary v1");
        assertThat(seen.get("api-canary v1") / 2000.0).as("canary share of " + seen).isBetween(0.05, 0.15);

        JsonNode routes = YoqServer.json(YoqServer.get("/v1/services/" + APP + "-api/proxy-routes", YoqServer.token()));
        JsonNode route = routes.path("routes").get(0);
        assertThat(route.path("host").asText()).isEqualTo("demo.local");
        long mirrored = 0;
        long until = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < until) {
            route = YoqServer.json(YoqServer.get("/v1/services/" + APP + "-api/proxy-routes", YoqServer.token())).path("routes").get(0);
            mirrored = route.path("mirror_traffic").path("responses").path("2xx").asLong();
            if (mirrored >= 2000) break;
            Thread.sleep(250);
        }
        assertThat(route.path("traffic").path("requests").asLong()).isGreaterThanOrEqualTo(2000);
        assertThat(route.path("backend_traffic").has(APP + "-api-canary")).isTrue();
        assertThat(mirrored).as("the mirror got a copy of each request").isGreaterThanOrEqualTo(2000);

        JsonNode svc = YoqServer.json(YoqServer.get("/v1/services/" + APP + "-api", YoqServer.token()));
        assertThat(svc.path("http_proxy").get(0).path("rewrite_prefix").asText()).isEqualTo("/");
        assertThat(YoqServer.json(YoqServer.get("/v1/services/" + APP + "-gateway", YoqServer.token())).path("http_routes")).hasSize(4);
    }

    @Test
    @Order(2)
    void a_certificate_installed_with_the_cli_is_served_over_tls_13_with_h2() throws Exception {
        Path cert = Files.writeString(tmp.resolve("rsa.crt"), resource("rsa.crt"));
        Path key = Files.writeString(tmp.resolve("rsa.key"), resource("rsa.key"));
        CliIT.Run install = PrivilegedLane.yoq("cert", "install", "example.test", "--cert", cert.toString(), "--key", key.toString());
        assertThat(install.exit()).as(install.out() + install.err()).isZero();
        assertThat(PrivilegedLane.yoq("cert", "list").out()).contains("example.test");
        String url = "https://example.test:17743/";
        long until = System.currentTimeMillis() + 30_000;
        CliIT.Run curl;
        do {
            curl = run("curl", "-sS", "--max-time", "5", "--cacert", cert.toString(), "--resolve", "example.test:17743:127.0.0.1",
                    "-w", "\n%{http_code} %{http_version}", url);
            if (curl.out().endsWith("200 2")) break;
            Thread.sleep(250);
        } while (System.currentTimeMillis() < until);
        assertThat(curl.out()).contains("gateway v1").endsWith("200 2");
    }

    @Test
    @Order(3)
    void acme_http_01_through_the_proxy_issues_a_certificate_that_curl_verifies_with_the_cas_root() throws Exception {
        String missing = dev.yoq.edge.Pebble.missing();
        if (missing != null) System.err.println("*** SKIPPED EdgeAppIT ACME: " + missing + " ***");
        org.junit.jupiter.api.Assumptions.assumeTrue(missing == null, missing);
        try (dev.yoq.edge.Pebble pebble = new dev.yoq.edge.Pebble(Files.createDirectories(tmp.resolve("pebble")), 17780)) {
            Files.writeString(Path.of("/tmp/yoq-it-7781/acme-ca.pem"), pebble.tlsCertPem);
            String body = "{\"email\":\"ops@yoq.test\",\"directory_url\":\"" + pebble.directory() + "\"}";
            HttpResponse<String> issued = YoqServer.send(HttpRequest.newBuilder(YoqServer.uri("/v1/certificates/acme.yoq.test/provision"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .timeout(Duration.ofSeconds(150)), YoqServer.token());
            assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
            assertThat(YoqServer.json(issued).path("status").asText()).isEqualTo("issued");
            Path root = Files.writeString(tmp.resolve("pebble-root.pem"), pebble.rootPem());
            CliIT.Run curl;
            long until = System.currentTimeMillis() + 30_000;
            do {
                curl = run("curl", "-sS", "--max-time", "5", "--cacert", root.toString(), "--resolve", "acme.yoq.test:17743:127.0.0.1",
                        "-w", "\n%{http_code}", "https://acme.yoq.test:17743/");
                if (curl.out().endsWith("200")) break;
                Thread.sleep(250);
            } while (System.currentTimeMillis() < until);
            assertThat(curl.out()).as(curl.err()).contains("gateway v1").endsWith("200");
            JsonNode listed = null;
            for (JsonNode c : YoqServer.json(YoqServer.get("/v1/certificates", YoqServer.token()))) {
                if (c.path("domain").asText().equals("acme.yoq.test")) listed = c;
            }
            assertThat(listed).isNotNull();
            assertThat(listed.path("source").asText()).isEqualTo("acme");
            assertThat(listed.path("managed").asBoolean()).isTrue();
            assertThat(listed.toString()).doesNotContain("PRIVATE KEY");
            dns01WithASecretForTheHook(pebble);
        } finally {
            PrivilegedLane.yoq("cert", "rm", "acme.yoq.test");
            PrivilegedLane.yoq("cert", "rm", "dns.yoq.test");
        }
    }

    /**
     * DNS-01 through an exec hook given a secret from the store as a variable: the hook publishes the record at
     * challtestsrv and sees the value; the certificate's stored settings name the secret only; once the secret is
     * removed a renewal fails naming the variable and the secret.
     */
    private void dns01WithASecretForTheHook(dev.yoq.edge.Pebble pebble) throws Exception {
        String name = "dnstoken-" + Long.toHexString(System.nanoTime() & 0xffffff), value = "cf-Secret-" + System.nanoTime();
        CliIT.Run set = PrivilegedLane.yoq("secret", "set", name, "--value", value);
        assertThat(set.exit()).as(set.out() + set.err()).isZero();
        Path seen = tmp.resolve("hook-token");
        Path hook = Files.writeString(tmp.resolve("dns-hook.sh"), String.join("\n", "#!/bin/sh", "mgmt=\"$1\"; action=\"$2\"",
                "printf '%s' \"$TOKEN\" > " + seen,
                "case \"$action\" in",
                "  present) curl -sf -X POST -d \"{\\\"host\\\":\\\"$YOQ_ACME_RECORD\\\",\\\"value\\\":\\\"$YOQ_ACME_VALUE\\\"}\" \"$mgmt/set-txt\" ;;",
                "  cleanup) curl -sf -X POST -d \"{\\\"host\\\":\\\"$YOQ_ACME_RECORD\\\"}\" \"$mgmt/clear-txt\" ;;",
                "esac", ""));
        Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        try {
            String body = "{\"email\":\"ops@yoq.test\",\"directory_url\":\"" + pebble.directory() + "\",\"challenge\":\"dns-01\","
                    + "\"dns_provider\":\"exec\",\"dns_hook\":[\"" + hook + "\",\"" + pebble.challManagement() + "\"],"
                    + "\"dns_poll_interval_secs\":1,\"dns_propagation_timeout_secs\":5,\"dns_secrets\":{\"TOKEN\":\"" + name + "\"}}";
            HttpResponse<String> issued = YoqServer.send(HttpRequest.newBuilder(YoqServer.uri("/v1/certificates/dns.yoq.test/provision"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .timeout(Duration.ofSeconds(150)), YoqServer.token());
            assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
            assertThat(Files.readString(seen)).as("the hook's TOKEN").isEqualTo(value);
            String listed = YoqServer.get("/v1/certificates", YoqServer.token()).body();
            assertThat(listed).contains("dns.yoq.test").doesNotContain(value);
            assertThat(PrivilegedLane.yoq("secret", "rm", name).exit()).isZero();
            CliIT.Run renew = PrivilegedLane.yoq("cert", "renew", "dns.yoq.test");
            assertThat(renew.exit()).isNotZero();
            assertThat(renew.err()).contains("dns secret TOKEN: secret not found: " + name);
        } finally {
            PrivilegedLane.yoq("secret", "rm", name);
        }
    }

    @Test
    @Order(4)
    void a_release_reloads_routes_and_replicas_with_no_failed_request_at_100_per_second() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger(), failed = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread load = new Thread(() -> {
            long next = System.nanoTime();
            while (running.get()) {
                try {
                    HttpResponse<String> r = get("demo.local", "/", Map.of());
                    if (r.statusCode() == 200 && r.body().startsWith("gateway")) ok.incrementAndGet();
                    else {
                        failed.incrementAndGet();
                        failures.add(r.statusCode() + " " + r.body());
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                    failures.add(e.toString());
                }
                next += 10_000_000;   // 100 per second
                long sleep = next - System.nanoTime();
                if (sleep > 0) java.util.concurrent.locks.LockSupport.parkNanos(sleep);
            }
        });
        load.start();
        try {
            CliIT.Run up = PrivilegedLane.yoq("up", "-f", manifest("v2").toString());
            assertThat(up.exit()).as(up.out() + up.err()).isZero();
            await("demo.local", "gateway v2");
            Thread.sleep(2000);
        } finally {
            running.set(false);
            load.join(15_000);
        }
        assertThat(ok.get()).as("requests answered during the release").isGreaterThan(300);
        assertThat(failed.get()).as("failed requests: " + failures.stream().limit(5).toList()).isZero();
    }

    @Test
    @Order(5)
    void the_proxy_serves_on_when_its_helper_is_killed_and_a_new_helper_adopts_it() throws Exception {
        Path pidFile = Path.of("/var/lib/yoq-proxy", PrivilegedLane.NAMES.table(), "proxy.pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        helper.destroyForcibly();
        helper.waitFor();
        try {
            for (int i = 0; i < 50; i++) assertThat(get("demo.local", "/", Map.of()).body()).startsWith("gateway v2");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        } finally {
            helper = PrivilegedLane.startHelper(tmp);   // the classes after this one need the lane's helper
        }
        Thread.sleep(3000);
        assertThat(Long.parseLong(Files.readString(pidFile).trim())).as("adopted, not restarted").isEqualTo(pid);
        for (int i = 0; i < 20; i++) assertThat(get("docs.demo.local", "/", Map.of()).body()).isEqualTo("docs v1\n");
        CliIT.Run down = PrivilegedLane.yoq("down", "--app", APP);
        assertThat(down.exit()).as(down.out() + down.err()).isZero();
        long until = System.currentTimeMillis() + 30_000;
        int status = 0;
        while (System.currentTimeMillis() < until && (status = get("docs.demo.local", "/", Map.of()).statusCode()) != 404) Thread.sleep(250);
        assertThat(status).as("the app is gone: the new helper passed the new configuration on").isEqualTo(404);
    }

    static String resource(String name) throws Exception {
        try (var in = EdgeAppIT.class.getResourceAsStream("/certs/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    static CliIT.Run run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return new CliIT.Run(p.exitValue(), out, err);
    }
}
