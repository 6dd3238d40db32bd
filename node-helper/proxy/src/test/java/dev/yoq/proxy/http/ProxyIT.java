package dev.yoq.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.yoq.proxy.config.EdgeConfig;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * yoq-proxy in process against real HTTP servers on loopback, with real clients (curl, nghttp, the JDK's): the
 * upstream http-routing example's routes (§8), every listener error, retries, the circuit breaker, the mirror,
 * h2c both ways, TLS with SNI and ALPN h2, the limits, ACME answers and reloads. Ports 17990-17993 are this test's.
 */
class ProxyIT {
    static final int HTTP = 17991, HTTPS = 17993, ACME = 17990;
    static final ObjectMapper JSON = new ObjectMapper();
    static Backends backends;
    static Backends.Backend gateway, api, canary, shadow, docs, broken, flaky, slow;
    static EdgeServer server;
    static WebSocketEcho echo;
    static io.grpc.Server grpc;

    @BeforeAll
    static void start() throws Exception {
        backends = new Backends();
        gateway = backends.start("gateway");
        api = backends.start("api");
        canary = backends.start("api-canary");
        shadow = backends.start("api-shadow");
        docs = backends.start("docs");
        broken = backends.start("broken");
        flaky = backends.start("flaky");
        slow = backends.start("slow");
        echo = new WebSocketEcho();
        io.grpc.protobuf.services.HealthStatusManager health = new io.grpc.protobuf.services.HealthStatusManager();
        health.setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        grpc = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
                .addService(health.getHealthService()).build().start();
        server = new EdgeServer(2, new dev.yoq.proxy.stats.AccessLog(null), line -> System.err.println("proxy: " + line));
        server.apply(config(1000));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (backends != null) backends.close();
        if (echo != null) echo.close();
        if (grpc != null) grpc.shutdownNow();
    }

    @BeforeEach
    void healthy() {
        for (var b : List.of(gateway, api, canary, shadow, docs, broken, flaky, slow)) {
            b.status = 200;
            b.delayMs = 0;
            b.seen.clear();
        }
    }

    /** The http-routing example as the server would send it (app "demo"), plus routes for the error cases. */
    static EdgeConfig config(long readTimeoutMs) throws Exception {
        ObjectNode c = JSON.createObjectNode().put("generation", 1);
        c.putObject("listeners").put("address", "127.0.0.1").put("http", HTTP).put("https", HTTPS).put("acme", ACME).put("tls12", false);
        ArrayNode routes = c.putArray("routes");
        routes.add(route("demo-gateway", "root", "demo.local", "/"));
        routes.add(route("demo-gateway", "admin", "demo.local", "/admin").put("preserve_host", false));
        ObjectNode apiRoute = route("demo-api", "default", "demo.local", "/api").put("rewrite_prefix", "/")
                .put("preserve_host", false).put("retries", 2).put("connect_timeout_ms", 1500).put("request_timeout_ms", 5000)
                .put("retry_on_5xx", true).put("circuit_breaker_threshold", 5).put("circuit_breaker_timeout_ms", 15000)
                .put("mirror", "demo-api-shadow");
        apiRoute.putArray("methods").add("GET").add("POST");
        apiRoute.putObject("headers").put("x-env", "canary");
        apiRoute.putArray("backends").add(backend("demo-api", 90)).add(backend("demo-api-canary", 10));
        routes.add(apiRoute);
        routes.add(route("demo-docs", "default", "docs.demo.local", "/"));
        routes.add(route("demo-empty", "default", "empty.local", "/"));
        routes.add(route("demo-broken", "default", "broken.local", "/"));
        routes.add(route("demo-flaky", "default", "flaky.local", "/").put("retries", 1).put("circuit_breaker_threshold", 2)
                .put("circuit_breaker_timeout_ms", 800).put("request_timeout_ms", 700));
        routes.add(route("demo-slow", "default", "slow.local", "/").put("retries", 1).put("request_timeout_ms", 700));
        routes.add(route("demo-ws", "default", "127.0.0.1", "/ws"));
        routes.add(route("demo-grpc", "default", "grpc.local", "/"));   // the JDK WebSocket client sends its own Host
        ObjectNode up = c.putObject("upstreams");
        up.putArray("demo-gateway").add(gateway.address());
        up.putArray("demo-api").add(api.address());
        up.putArray("demo-api-canary").add(canary.address());
        up.putArray("demo-api-shadow").add(shadow.address());
        up.putArray("demo-docs").add(docs.address());
        up.putArray("demo-empty");
        up.putArray("demo-broken").add("127.0.0.1:" + garbagePort());
        up.putArray("demo-flaky").add(flaky.address()).add(gateway.address());
        up.putArray("demo-slow").add(slow.address());
        up.putArray("demo-ws").add(echo.address());
        up.putArray("demo-grpc").add("127.0.0.1:" + grpc.getPort());
        c.putArray("certificates").addObject().put("domain", "example.test").put("cert_pem", resource("rsa.crt")).put("key_pem", resource("rsa.key"));
        c.putObject("challenges").put("tok123", "tok123.keyauth");
        c.putObject("limits").put("request_read_timeout_ms", readTimeoutMs).put("max_header_bytes", 16384).put("max_body_bytes", 65536);
        return JSON.treeToValue(c, EdgeConfig.class);
    }

    static ObjectNode route(String service, String name, String host, String prefix) {
        return JSON.createObjectNode().put("service", service).put("name", name).put("host", host).put("path_prefix", prefix);
    }

    static ObjectNode backend(String service, int weight) {
        return JSON.createObjectNode().put("service", service).put("weight", weight);
    }

    static String resource(String name) throws Exception {
        try (InputStream in = ProxyIT.class.getResourceAsStream("/certs/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** A server that answers every connection with bytes that are not HTTP. */
    static int garbagePort() throws Exception {
        java.net.ServerSocket s = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (true) {
                try (Socket c = s.accept()) {
                    c.getInputStream().read(new byte[4096]);
                    c.getOutputStream().write("NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return s.getLocalPort();
    }

    record Run(int exit, String out) {
        int status() {
            String[] lines = out.strip().split("\n");
            return Integer.parseInt(lines[lines.length - 1].trim());
        }

        String body() {
            return out.substring(0, out.strip().lastIndexOf('\n') + 1).strip();
        }
    }

    static Run run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    static Run curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    static String url(String path) {
        return "http://127.0.0.1:" + HTTP + path;
    }

    @Test
    void host_and_path_routing_with_rewrite_header_and_method_matching_and_forwarded_headers() throws Exception {
        assertThat(curl("-H", "Host: demo.local", url("/")).body()).isEqualTo("gateway");
        assertThat(curl("-H", "Host: DOCS.demo.local:17991", url("/guide")).body()).isEqualTo("docs");
        Run viaApi = curl("-H", "Host: demo.local", "-H", "x-env: canary", url("/api/users?id=7"));
        assertThat(viaApi.status()).isEqualTo(200);
        Backends.Seen seen = (viaApi.body().equals("api") ? api : canary).seen.get(0);
        assertThat(seen.path()).as("prefix /api rewritten to /").isEqualTo("/users?id=7");
        assertThat(seen.header("Host")).as("preserve_host = false").isIn(api.address(), canary.address());
        assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(seen.header("X-Forwarded-Host")).isEqualTo("demo.local");
        assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(seen.header("X-Yoq-Proxy")).isEqualTo("1");
        assertThat(curl("-H", "Host: demo.local", url("/api/users")).body()).as("no x-env header: the gateway's / route").isEqualTo("gateway");
        assertThat(curl("-X", "DELETE", "-H", "Host: demo.local", "-H", "x-env: canary", url("/api/users")).body())
                .as("DELETE is not in match_methods").isEqualTo("gateway");
        curl("-H", "Host: demo.local", url("/admin/x"));
        assertThat(gateway.seen.get(gateway.seen.size() - 1).header("Host")).isEqualTo(gateway.address());
        curl("-H", "Host: demo.local", url("/kept"));
        assertThat(gateway.seen.get(gateway.seen.size() - 1).header("Host")).as("preserve_host default").isEqualTo("demo.local");
    }

    @Test
    void the_listeners_errors_are_the_specs_json() throws Exception {
        Run notFound = curl("-H", "Host: nowhere.local", url("/"));
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.body()).isEqualTo("{\"error\":\"route not found\"}");
        Run none = curl("-H", "Host: empty.local", url("/"));
        assertThat(none.status()).isEqualTo(503);
        assertThat(none.body()).isEqualTo("{\"error\":\"no eligible upstream\"}");
        Run bad = curl("-H", "Host: broken.local", url("/"));
        assertThat(bad.status()).isEqualTo(502);
        assertThat(bad.body()).isEqualTo("{\"error\":\"invalid upstream response\"}");
        Run loop = curl("-H", "Host: demo.local", "-H", "X-Yoq-Proxy: 1", url("/"));
        assertThat(loop.status()).isEqualTo(508);
        assertThat(loop.body()).isEqualTo("{\"error\":\"proxy loop detected\"}");
        assertThat(gateway.hits()).as("a looping request never reaches a backend").isZero();
    }

    @Test
    void weights_90_10_hold_within_5_points_over_2000_requests_and_the_mirror_gets_a_copy_of_each() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int canaryCount = 0;
        for (int i = 0; i < 2000; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url("/api/item/" + i))).header("x-env", "canary")
                    .header("Host", "demo.local").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            if (r.body().strip().equals("api-canary")) canaryCount++;
        }
        assertThat(canaryCount / 2000.0).isBetween(0.05, 0.15);
        long until = System.currentTimeMillis() + 5000;
        while (shadow.hits() < 2000 && System.currentTimeMillis() < until) Thread.sleep(50);
        assertThat(shadow.hits()).as("the mirror received every request").isEqualTo(2000);
    }

    static { System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host"); }

    @Test
    void a_slow_or_failing_mirror_never_changes_or_delays_the_answer() throws Exception {
        shadow.status = 500;
        shadow.delayMs = 3000;
        long t0 = System.nanoTime();
        Run r = curl("-H", "Host: demo.local", "-H", "x-env: canary", url("/api/x"));
        assertThat(r.status()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms: not waiting for the mirror's 3 s").isLessThan(2000);
    }

    @Test
    void retries_move_to_another_endpoint_for_get_only_and_the_circuit_opens_then_probes() throws Exception {
        flaky.status = 500;
        for (int i = 0; i < 4; i++) {
            Run r = curl("-H", "Host: flaky.local", url("/get" + i));
            assertThat(r.status()).as("a GET retried on the healthy endpoint").isEqualTo(200);
            assertThat(r.body()).isEqualTo("gateway");
        }
        int flakyHits = flaky.hits();
        assertThat(flakyHits).as("two failures open the circuit (threshold 2)").isEqualTo(2);
        Run post = curl("-X", "POST", "-d", "x", "-H", "Host: flaky.local", url("/post"));
        assertThat(post.body()).as("the open endpoint is skipped").isEqualTo("gateway");
        assertThat(flaky.hits()).isEqualTo(flakyHits);
        Thread.sleep(900);
        flaky.status = 200;
        for (int i = 0; i < 4; i++) curl("-H", "Host: flaky.local", url("/after" + i));
        assertThat(flaky.hits()).as("half-open: a probe, then closed again").isGreaterThan(flakyHits);
        flaky.status = 500;
        gateway.status = 500;
        Run noRetry = curl("-X", "POST", "-d", "x", "-H", "Host: flaky.local", url("/p"));
        assertThat(noRetry.status()).as("POST is not retried: the 5xx is the answer").isEqualTo(500);
        assertThat(flaky.hits() + gateway.hits()).isGreaterThan(0);
    }

    @Test
    void a_timed_out_upstream_is_a_504_after_the_request_timeout() throws Exception {
        slow.delayMs = 1500;
        Run r = curl("-X", "POST", "-d", "x", "-H", "Host: slow.local", url("/slow"));
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.body()).isEqualTo("{\"error\":\"upstream timed out\"}");
    }

    @Test
    void h2c_by_prior_knowledge_and_by_upgrade() throws Exception {
        Run pk = curl("--http2-prior-knowledge", "-H", "Host: demo.local", "-w", "\n%{http_code} %{http_version}", url("/h2"));
        assertThat(pk.out()).contains("gateway").endsWith("200 2");
        Run up = curl("--http2", "-H", "Host: demo.local", "-w", "\n%{http_code} %{http_version}", url("/up"));
        assertThat(up.out()).contains("gateway").endsWith("200 2");
        Run nghttp = run("nghttp", "-v", "-H", ":authority: docs.demo.local", url("/n"));
        assertThat(nghttp.out()).contains("docs").contains(":status: 200");
    }

    @Test
    void tls_13_with_sni_and_alpn_h2_and_tls_12_refused() throws Exception {
        Path ca = Files.createTempFile("rsa", ".crt");
        Files.writeString(ca, resource("rsa.crt"));
        String resolve = "example.test:" + HTTPS + ":127.0.0.1";
        routeExampleTest();
        try {
            Run h2 = curl("--cacert", ca.toString(), "--resolve", resolve, "-w", "\n%{http_code} %{http_version}", "https://example.test:" + HTTPS + "/tls");
            assertThat(h2.out()).contains("gateway").endsWith("200 2");
            assertThat(gateway.seen.get(gateway.seen.size() - 1).header("X-Forwarded-Proto")).isEqualTo("https");
            Run h1 = curl("--http1.1", "--cacert", ca.toString(), "--resolve", resolve, "-w", "\n%{http_code} %{http_version}", "https://example.test:" + HTTPS + "/");
            assertThat(h1.out()).endsWith("200 1.1");
            Run old = curl("--tls-max", "1.2", "--cacert", ca.toString(), "--resolve", resolve, "https://example.test:" + HTTPS + "/");
            assertThat(old.exit()).as("TLS 1.2 off by default").isNotZero();
            Run unknown = curl("-k", "--resolve", "nocert.test:" + HTTPS + ":127.0.0.1", "https://nocert.test:" + HTTPS + "/");
            assertThat(unknown.exit()).as("no certificate covers the name: the handshake fails").isNotZero();
            Run nghttp = run("nghttp", "-v", "https://127.0.0.1:" + HTTPS + "/n", "-H", ":authority: example.test");
            assertThat(nghttp.out()).contains("h2").contains(":status: 200");
        } finally {
            server.apply(config(1000));
        }
    }

    private static void routeExampleTest() throws Exception {
        ObjectNode c = JSON.valueToTree(config(1000));
        ((ArrayNode) c.get("routes")).add(route("demo-gateway", "tls", "example.test", "/"));
        server.apply(JSON.treeToValue(c, EdgeConfig.class));
    }

    @Test
    void the_acme_listener_answers_tokens_and_redirects_hosts_with_a_certificate() throws Exception {
        Run token = curl("-H", "Host: anything", "http://127.0.0.1:" + ACME + "/.well-known/acme-challenge/tok123");
        assertThat(token.status()).isEqualTo(200);
        assertThat(token.body()).isEqualTo("tok123.keyauth");
        assertThat(curl("http://127.0.0.1:" + ACME + "/.well-known/acme-challenge/nope").status()).isEqualTo(404);
        Run redirect = curl("-H", "Host: example.test", "-D", "-", "http://127.0.0.1:" + ACME + "/page?q=1");
        assertThat(redirect.status()).isEqualTo(301);
        assertThat(redirect.out()).containsIgnoringCase("location: https://example.test:" + HTTPS + "/page?q=1");
        assertThat(curl("-H", "Host: demo.local", "http://127.0.0.1:" + ACME + "/").body()).as("no certificate: routed").isEqualTo("gateway");
    }

    @Test
    void oversized_headers_and_bodies_get_http_errors_and_a_slow_client_a_408() throws Exception {
        Run big = curl("-H", "Host: demo.local", "-H", "X-Big: " + "a".repeat(20_000), url("/"));
        assertThat(big.status()).isEqualTo(431);
        try (Socket s = new Socket("127.0.0.1", HTTP)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nHost: demo.local\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 413");
        }
        try (Socket s = new Socket("127.0.0.1", HTTP)) {
            s.setSoTimeout(5000);
            long t0 = System.currentTimeMillis();
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: demo.local\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 408").contains("request read timed out");
            assertThat(System.currentTimeMillis() - t0).as("ms: the read timeout (1 s here)").isBetween(900L, 4000L);
        }
        assertThat(curl("-H", "Host: demo.local", url("/")).status()).as("the proxy serves on").isEqualTo(200);
    }

    @Test
    void a_new_configuration_applies_to_the_next_request_on_an_open_connection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", HTTP)) {
            s.setSoTimeout(5000);
            assertThat(exchange(s, "reload.local")).startsWith("HTTP/1.1 404");
            ObjectNode c = JSON.valueToTree(config(1000));
            ((ArrayNode) c.get("routes")).add(route("demo-docs", "reload", "reload.local", "/"));
            server.apply(JSON.treeToValue(c, EdgeConfig.class));
            assertThat(exchange(s, "reload.local")).as("same connection, new routes").startsWith("HTTP/1.1 200").contains("docs");
        } finally {
            server.apply(config(1000));
        }
    }

    private static String exchange(Socket s, String host) throws Exception {
        s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.read());
        int length = Integer.parseInt(head.toString().toLowerCase().split("content-length: ")[1].split("\r\n")[0].trim());
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void grpc_health_passes_through_over_h2c_with_its_trailers() throws Exception {
        io.grpc.ManagedChannel ch = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", HTTP)
                .usePlaintext().overrideAuthority("grpc.local").build();
        try {
            var stub = io.grpc.health.v1.HealthGrpc.newBlockingStub(ch).withDeadlineAfter(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(stub.check(io.grpc.health.v1.HealthCheckRequest.newBuilder().build()).getStatus())
                    .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
            assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(io.grpc.StatusRuntimeException.class,
                    () -> stub.check(io.grpc.health.v1.HealthCheckRequest.newBuilder().setService("nope").build())).getStatus().getCode())
                    .as("grpc-status from the trailers").isEqualTo(io.grpc.Status.Code.NOT_FOUND);
        } finally {
            ch.shutdownNow();
        }
    }

    @Test
    void a_websocket_upgrade_is_passed_through_both_ways() throws Exception {
        java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + HTTP + "/ws"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                        got.add(data.toString());
                        w.request(1);
                        return null;
                    }
                }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            ws.sendText("hello " + i, true).get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(got.poll(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("echo: hello " + i);
        }
        ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").get(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void counters_count_routes_backends_mirror_and_errors() throws Exception {
        curl("-H", "Host: demo.local", "-H", "x-env: canary", url("/api/c1"));
        curl("-H", "Host: nowhere.local", url("/"));
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = server.edge().stats().json();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> routes = (Map<String, Map<String, Object>>) stats.get("routes");
        Map<String, Object> api = routes.get("demo-api/default");
        assertThat(api).containsKeys("traffic", "backend_traffic", "mirror_traffic", "mirror_backend_traffic");
        assertThat(((Map<?, ?>) api.get("traffic")).get("requests")).isInstanceOf(Long.class);
        assertThat((Long) ((Map<?, ?>) api.get("traffic")).get("requests")).isGreaterThanOrEqualTo(1);
        assertThat((Long) stats.get("route_not_found")).isGreaterThanOrEqualTo(1);
        Map<?, ?> all = (Map<?, ?>) stats.get("traffic");
        assertThat((Long) all.get("requests")).as("every request counts in the totals (requests_total)").isGreaterThanOrEqualTo(2);
        assertThat((Long) ((Map<?, ?>) all.get("responses")).get("2xx")).as("forwarded answers too").isGreaterThanOrEqualTo(1);
    }
}
