package dev.yoq.it;

import static dev.yoq.it.YoqServer.get;
import static dev.yoq.it.YoqServer.json;
import static dev.yoq.it.YoqServer.send;
import static dev.yoq.it.YoqServer.token;
import static dev.yoq.it.YoqServer.uri;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The hardening issue's API findings, reproduced against the real server: bodies, JSON, rate limits, bad values. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HardeningIT {

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return YoqServer.ear();
    }

    static HttpResponse<String> post(String path, String body, String token) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), token);
    }

    /** Sends a POST with a body of {@code bytes} (declared, or chunked when {@code chunked}) and returns the status line and body. */
    static String upload(String path, long bytes, boolean chunked) throws Exception {
        return upload(YoqServer.PORT, token(), path, bytes, chunked);
    }

    static String upload(int port, String token, String path, long bytes, boolean chunked) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\n" + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + bytes + "\r\n") + "\r\n";
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    InputStream in = socket.getInputStream();
                    return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                } catch (Exception e) {
                    return "read failed: " + e;
                }
            });
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            chunk[0] = '{';
            try {
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                long deadline = System.currentTimeMillis() + 60_000;
                for (long sent = 0; sent < bytes && !answer.isDone() && System.currentTimeMillis() < deadline; sent += chunk.length) {
                    if (chunked) out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    if (chunked) out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    chunk[0] = ' ';
                }
            } catch (java.io.IOException e) {
                // the server stopped reading: the answer tells why
            }
            return answer.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void bodies_over_their_routes_cap_are_413_declared_or_chunked_and_the_apply_route_has_8_mib() throws Exception {
        assertThat(upload("/containers", 2L << 20, false)).startsWith("HTTP/1.1 413 ").endsWith("{\"error\":\"request body too large\"}");
        assertThat(upload("/containers", 2L << 20, true)).startsWith("HTTP/1.1 413 ").contains("{\"error\":\"request body too large\"}");
        assertThat(upload("/apps/apply", 9L << 20, false)).startsWith("HTTP/1.1 413 ");
        assertThat(upload("/apps/apply", 9L << 20, true)).startsWith("HTTP/1.1 413 ");
        assertThat(upload("/apps/apply", 2L << 20, false)).as("2 MiB is within the apply cap").startsWith("HTTP/1.1 400 ");
    }

    @Test
    void json_that_is_not_an_object_too_deep_or_with_huge_numbers_is_a_400_naming_it() throws Exception {
        HttpResponse<String> array = post("/containers", "[]", token());
        assertThat(array.statusCode()).isEqualTo(400);
        assertThat(json(array).path("error").asText()).isEqualTo("the body must be a JSON object");
        HttpResponse<String> deep = post("/containers", "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}", token());
        assertThat(deep.statusCode()).isEqualTo(400);
        assertThat(json(deep).path("error").asText()).startsWith("the body is over a JSON limit (depth 32");
        HttpResponse<String> huge = post("/containers", "{\"target\":\"/tmp\",\"command\":[\"true\"],\"memory_bytes\":99999999999999999999999}", token());
        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(json(huge).path("error").asText()).isEqualTo("memory_bytes: 99999999999999999999999 is out of range");
        HttpResponse<String> junk = post("/v1/policies", "{nope", token());
        assertThat(junk.statusCode()).isEqualTo(400);
        assertThat(json(junk).path("error").asText()).startsWith("the body is not valid JSON");
    }

    @Test
    void non_numeric_parameters_are_400_naming_them() throws Exception {
        for (String query : List.of("/containers/abc123abc123/logs?tail=x", "/containers/abc123abc123/logs?offset=1e3")) {
            HttpResponse<String> r = get(query, token());
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            assertThat(json(r).path("error").asText()).as(query).matches("(tail|offset): '.*' is not a whole number.*");
        }
        HttpResponse<String> wait = send(HttpRequest.newBuilder(uri("/containers/abc123abc123/wait?timeout_ms=soon")).POST(HttpRequest.BodyPublishers.noBody()), token());
        assertThat(wait.statusCode()).isEqualTo(400);
        assertThat(json(wait).path("error").asText()).isEqualTo("timeout_ms: 'soon' is not a whole number");
    }

    @Test
    void registries_must_be_host_and_port_and_never_link_local_or_this_server() throws Exception {
        HttpResponse<String> login = post("/registries/login", "{\"registry\":\"localhost:5000/v2/\",\"username\":\"a\",\"password\":\"b\"}", token());
        assertThat(login.statusCode()).isEqualTo(400);
        assertThat(json(login).path("error").asText()).startsWith("registry: must be a host[:port]");
        HttpResponse<String> metadata = post("/registries/tags", "{\"repository\":\"169.254.169.254/latest/meta-data\"}", token());
        assertThat(metadata.statusCode()).isEqualTo(400);
        assertThat(json(metadata).path("error").asText()).contains("link-local address 169.254.169.254");
        HttpResponse<String> self = post("/registries/tags", "{\"repository\":\"127.0.0.1:" + YoqServer.PORT + "/x\"}", token());
        assertThat(self.statusCode()).isEqualTo(400);
        assertThat(json(self).path("error").asText()).contains("this yoq server's own port " + YoqServer.PORT);
    }

    @Test
    void errors_the_web_container_answers_itself_are_json_and_bearer_is_case_insensitive() throws Exception {
        HttpResponse<String> slash = get("/containers/a%2Fb", token());
        assertThat(slash.statusCode()).isEqualTo(400);
        assertThat(slash.body()).isEqualTo("{\"error\":\"malformed request\"}");
        HttpResponse<String> lower = send(HttpRequest.newBuilder(uri("/v1/node")).header("Authorization", "bearer " + token()), null);
        assertThat(lower.statusCode()).isEqualTo(200);
    }

    @Test
    void a_flood_of_bad_tokens_from_another_process_never_rate_limits_the_token_holder() throws Exception {
        // ab (apache2-utils) is the other process: 4,000 requests with a wrong token, 8 at a time
        Process flood = new ProcessBuilder("ab", "-q", "-n", "4000", "-c", "8", "-H", "Authorization: Bearer " + "0".repeat(64),
                "http://127.0.0.1:" + YoqServer.PORT + "/v1/status").redirectErrorStream(true).start();
        CompletableFuture<String> floodOut = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(flood.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        int ok = 0;
        List<Integer> refused = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (flood.isAlive() && System.currentTimeMillis() < deadline) {
            int status = get("/v1/node", token()).statusCode();
            if (status == 200) ok++; else refused.add(status);
        }
        assertThat(flood.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String report = floodOut.get(10, TimeUnit.SECONDS);
        assertThat(report).as("the flood itself was limited").containsPattern("Non-2xx responses:\\s+4000");
        assertThat(refused).as("the token holder's answers during the flood").isEmpty();
        assertThat(ok).isPositive();
        HttpResponse<String> limited = null;
        for (int i = 0; i < 200 && limited == null; i++) {
            HttpResponse<String> r = get("/v1/status", "f".repeat(64));
            if (r.statusCode() == 429) limited = r;
        }
        assertThat(limited).as("a 429 within 200 bad-token requests").isNotNull();
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        Thread.sleep(1100);   // a fresh window for whatever runs next
    }
}
