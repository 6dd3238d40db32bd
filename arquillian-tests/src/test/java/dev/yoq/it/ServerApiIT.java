package dev.yoq.it;

import static dev.yoq.it.YoqServer.get;
import static dev.yoq.it.YoqServer.json;
import static dev.yoq.it.YoqServer.send;
import static dev.yoq.it.YoqServer.token;
import static dev.yoq.it.YoqServer.uri;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real EAR on a managed Liberty server, driven over HTTP as a user's tools would. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerApiIT {

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return YoqServer.ear();
    }

    @Test
    @Order(1)
    void readinessIsUpOnceTheDatabaseIsMigrated() throws Exception {
        HttpResponse<String> r = get("/health/ready", null);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.path("checks").toString()).contains("\"name\":\"database\"").contains("\"schema_version\":" + latestSchemaVersion());
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/health/live", null).statusCode()).isEqualTo(200);
        assertThat(get("/health/started", null).statusCode()).isEqualTo(200);
    }

    @Test
    void firstStartCreatedTheDataDirectory() throws Exception {
        assertThat(YoqServer.DATA_DIR.resolve("yoq.db")).isRegularFile();
        assertThat(YoqServer.DATA_DIR.resolve("blobs/sha256")).isDirectory();
        assertThat(YoqServer.DATA_DIR.resolve("s3")).isDirectory();
        assertThat(token()).matches("[0-9a-f]{64}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(YoqServer.DATA_DIR.resolve("api_token"))))
                .isEqualTo("rw-------");
    }

    @Test
    void statusWithoutATokenIs401WithAJsonErrorAndAChallenge() throws Exception {
        HttpResponse<String> r = get("/v1/status", null);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).isEqualTo("{\"error\":\"unauthorized\"}");
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"yoq\"");
    }

    @Test
    void statusWithAWrongOrMalformedTokenIs401() throws Exception {
        assertThat(get("/v1/status", "0".repeat(64)).statusCode()).isEqualTo(401);
        assertThat(get("/v1/status", token() + "0").statusCode()).isEqualTo(401);
        HttpRequest.Builder lowercaseScheme = HttpRequest.newBuilder(uri("/v1/status"))
                .header("Authorization", "bearer " + token());
        assertThat(send(lowercaseScheme, null).statusCode()).as("auth schemes are case-insensitive (RFC 9110)").isEqualTo(200);
    }

    @Test
    void nodeWithTheTokenDescribesTheNode() throws Exception {
        HttpResponse<String> r = get("/v1/node", token());

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode s = json(r);
        assertThat(s.path("node_id").asText()).matches("[0-9a-f]{12}");
        assertThat(s.path("role").asText()).isEqualTo("server");
        assertThat(s.path("version").asText()).isEqualTo(System.getProperty("yoq.test.version"));
        assertThat(s.path("data_dir").asText()).isEqualTo(YoqServer.DATA_DIR.toString());
        assertThat(s.path("schema_version").asInt()).isEqualTo(latestSchemaVersion());
        assertThat(s.path("ready").asBoolean()).isTrue();
        assertThat(s.path("uptime_secs").isIntegralNumber()).isTrue();
        assertThat(s.path("apps").asLong()).as("the count matches the apps route (the test server's data outlives a run)")
                .isEqualTo(json(get("/apps", token())).size());
        assertThat(s.path("containers").asLong()).as("the count matches the containers route")
                .isEqualTo(json(get("/containers", token())).size());
        assertThat(s.path("images").asLong()).as("the count matches the images route")
                .isEqualTo(json(get("/images", token())).size());
        assertThat(s.path("services").isArray()).isTrue();
        List<String> keys = new ArrayList<>();
        s.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("node_id", "role", "version", "uptime_secs", "data_dir", "schema_version",
                "ready", "apps", "containers", "images", "services");
    }

    @Test
    void versionIsPublicAndReal() throws Exception {
        HttpResponse<String> r = get("/version", null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"version\":\"" + System.getProperty("yoq.test.version") + "\"}");
    }

    @Test
    void openApiDocumentIsPublic() throws Exception {
        HttpResponse<String> r = get("/openapi", null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("/v1/status").contains("/version").contains("bearer")
                .contains("This node's state");
        assertThat(get("/openapi/ui/", null).statusCode()).as("the OpenAPI UI operations.md points to").isEqualTo(200);
    }

    @Test
    void unknownRoutesAreJson404WithATokenAnd401Without() throws Exception {
        HttpResponse<String> withToken = get("/v1/no-such-thing", token());
        assertThat(withToken.statusCode()).isEqualTo(404);
        assertThat(withToken.body()).isEqualTo("{\"error\":\"not found\"}");

        assertThat(get("/v1/no-such-thing", null).statusCode()).isEqualTo(401);
    }

    @Test
    void wrongMethodIsJson405() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/status")).DELETE(), token());

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.body()).isEqualTo("{\"error\":\"method not allowed\"}");
    }

    @Test
    void metricsCountAuthFailuresAndRequestsByRoute() throws Exception {
        double before = authFailures("invalid");
        get("/v1/status", "f".repeat(64));
        get("/v1/status", token());

        String metrics = get("/metrics", null).body();
        assertThat(authFailures("invalid")).isEqualTo(before + 1);
        assertThat(metrics).containsPattern(
                "yoq_api_requests_total\\{[^}]*route=\"/v1/status\",status=\"200\"");
    }

    @Test
    void prometheusTextBehindTheTokenHasEveryScope() throws Exception {
        assertThat(get("/v1/metrics?format=prometheus", null).statusCode()).isEqualTo(401);

        HttpResponse<String> r = get("/v1/metrics?format=prometheus", token());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(r.body()).contains("# TYPE yoq_api_requests_total counter")
                .containsPattern("yoq_api_auth_failures_total\\{mp_scope=\"application\",reason=\"(missing|invalid)\"\\} [0-9.]+")
                .contains("mp_scope=\"base\"")
                .contains("mp_scope=\"vendor\"");
        HttpResponse<String> other = get("/v1/metrics?mode=storage_io", token());
        assertThat(other.statusCode()).isEqualTo(501);
        assertThat(json(other).path("code").asText()).isEqualTo("not_implemented");
    }

    @Test
    void oversizedRequestsAreRefusedWithTheOriginalsMessages() throws Exception {
        HttpResponse<String> longUri = get("/v1/status?q=" + "a".repeat(2100), token());
        assertThat(longUri.statusCode()).isEqualTo(400);
        assertThat(longUri.body()).isEqualTo("{\"error\":\"request uri too long\"}");

        HttpResponse<String> bigHeaders = send(HttpRequest.newBuilder(uri("/version"))
                .header("X-Padding", "a".repeat(17 * 1024)), null);
        assertThat(bigHeaders.statusCode()).isEqualTo(431);
        assertThat(bigHeaders.body()).isEqualTo("{\"error\":\"headers too large\"}");
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", YoqServer.PORT)) {
            socket.setSoTimeout(10_000);
            String request = "POST /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (256L * 1024 * 1024 + 1) + "\r\n\r\n{";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

            assertThat(response).startsWith("HTTP/1.1 413 ").endsWith("{\"error\":\"request body too large\"}");
        }
    }

    @Test
    @Order(100)
    void moreThanFiftyRequestsInOneSecondFromOneAddressAre429() throws Exception {
        // sent all at once, so that even a slow machine puts more than 50 of them in one second
        // HTTP/1.1: one connection per request, no HTTP/2 stream limit in the way
        var client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            inFlight.add(client.sendAsync(HttpRequest.newBuilder(uri("/version")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> refused = new ArrayList<>();
        for (var f : inFlight) {
            HttpResponse<String> r = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            if (r.statusCode() == 429) {
                refused.add(r);
            }
        }
        assertThat(refused).as("429s among 200 simultaneous requests").isNotEmpty();
        assertThat(refused.get(0).body()).isEqualTo("{\"error\":\"rate limit exceeded\"}");
        Thread.sleep(1100); // leave the next test class a fresh window
    }

    private static double authFailures(String reason) throws Exception {
        Matcher m = Pattern.compile("yoq_api_auth_failures_total\\{[^}]*reason=\"" + reason + "\",?\\} ([0-9.E]+)")
                .matcher(get("/metrics", null).body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** The schema version this build migrates to: one migration file per version in jpa-model. */
    static int latestSchemaVersion() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(YoqServer.REPO.resolve("jpa-model/src/main/resources/db/migration"))) {
            return (int) files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
        }
    }
}
