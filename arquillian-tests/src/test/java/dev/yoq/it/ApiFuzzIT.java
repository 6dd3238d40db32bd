package dev.yoq.it;

import static dev.yoq.it.YoqServer.token;
import static dev.yoq.it.YoqServer.uri;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hardening issue's fuzz over HTTP: seeded random bodies, path segments and query parameters on every route
 * a token holder can reach. Never a 500, never a stack trace, every error a JSON {@code {"error":...}}. Bodies
 * that could make the server reach out (image references, registry hosts) are only ever of the wrong shape, so
 * no traffic leaves the machine; container targets never exist, so nothing starts. (RunBodyFuzzTest in web-api
 * is the jqwik property over the same body rules, in process.)
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ApiFuzzIT {
    static final long SEED = 20261206L;
    static final int PER_ROUTE = 40;

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return YoqServer.ear();
    }

    record Route(String method, Function<Random, String> path, Function<Random, String> body) {}

    static final String[] VALUES = {"null", "true", "0", "-1", "1e400", "99999999999999999999999", "1.5", "\"\"", "\"x y\"",
            "\"/nonexistent-yoq-fuzz\"", "\"../../etc\"", "\"\\u0000\"", "[]", "{}", "[1,\"a\",null]", "\"" + "z".repeat(3000) + "\""};

    /** An object of the given keys (or random ones) with values of every type; sometimes nested, sometimes cut short. */
    static String object(Random r, String[] keys, int depth) {
        StringBuilder b = new StringBuilder("{");
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(',');
            String key = keys.length > 0 && r.nextInt(5) > 0 ? keys[r.nextInt(keys.length)] : "k" + r.nextInt(100);
            b.append('"').append(key).append("\":");
            b.append(depth < 3 && r.nextInt(6) == 0 ? object(r, keys, depth + 1) : VALUES[r.nextInt(VALUES.length)]);
        }
        String text = b.append('}').toString();
        return r.nextInt(8) == 0 ? text.substring(0, r.nextInt(text.length() + 1)) : text;
    }

    /** Bodies of the wrong shape only: what must be refused before any work (no reference or host is ever valid). */
    static String shapeless(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> "[]";
            case 1 -> "[".repeat(r.nextInt(3000)) + "]".repeat(r.nextInt(3000));
            case 2 -> "{\"reference\":" + VALUES[r.nextInt(6)] + ",\"repository\":[" + r.nextInt() + "],\"registry\":{}}";
            case 3 -> "{\"a\":" + "{\"b\":".repeat(40) + "1" + "}".repeat(41);
            case 4 -> new String(bytes(r), StandardCharsets.ISO_8859_1);
            default -> "";
        };
    }

    static byte[] bytes(Random r) {
        byte[] b = new byte[r.nextInt(200)];
        r.nextBytes(b);
        return b;
    }

    /**
     * Path segments; not {@code %00} or invalid UTF-8 such as {@code %ff}: Liberty refuses those in its web container
     * before any application code, with an HTML 400 (docs/operations.md "Limits" says so).
     */
    static final String[] SEGMENTS = {"abc123abc123", "NOT-HEX", "..", "%2e%2e", "a%2Fb", "x".repeat(300), "%E2%9C%93", "0", "-1",
            "fuzz-app", "web", "pause", "resume", "cancel", "bogus"};

    static String segment(Random r) {
        return SEGMENTS[r.nextInt(SEGMENTS.length)];
    }

    static String query(Random r, String... names) {
        List<String> parts = new ArrayList<>();
        for (String n : names) {
            if (r.nextBoolean()) continue;
            String v = switch (r.nextInt(6)) {
                case 0 -> Integer.toString(r.nextInt());
                case 1 -> "99999999999999999999";
                case 2 -> "-5";
                case 3 -> "abc";
                case 4 -> "";
                default -> "1e3";
            };
            parts.add(n + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
        }
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    static List<Route> routes() {
        String[] runKeys = {"target", "command", "name", "env", "volumes", "ports", "memory_bytes", "pids", "cpu_weight", "cpus", "restart",
                "network", "user_namespace", "cap_add", "cap_drop"};
        String[] policyKeys = {"source", "target", "action"};
        String[] appKeys = {"app_name", "services", "workers", "crons", "volumes", "release_id", "print"};
        return List.of(
                new Route("POST", r -> "/containers", r -> object(r, runKeys, 0).replace("\"target\":\"x y\"", "\"target\":\"/nonexistent-yoq-fuzz\"")),
                new Route("POST", r -> "/containers/" + segment(r) + "/exec", r -> object(r, new String[] {"command"}, 0)),
                new Route("POST", r -> "/containers/" + segment(r) + "/wait" + query(r, "timeout_ms"), r -> null),
                new Route("GET", r -> "/containers/" + segment(r) + "/logs" + query(r, "tail", "offset"), r -> null),
                new Route("GET", r -> "/containers/" + segment(r) + "/stats", r -> null),
                new Route("POST", r -> "/containers/" + segment(r) + "/stop", r -> null),
                new Route("DELETE", r -> "/containers/" + segment(r), r -> null),
                new Route("POST", r -> "/v1/policies", r -> object(r, policyKeys, 0)),
                new Route("DELETE", r -> "/v1/policies/" + segment(r) + "/" + segment(r), r -> null),
                new Route("POST", r -> "/apps/apply", r -> object(r, appKeys, 0)),
                new Route("POST", r -> "/apps/dry-run", r -> object(r, appKeys, 0)),
                new Route("POST", r -> "/apps/" + segment(r) + "/rollback", r -> object(r, appKeys, 0)),
                new Route("POST", r -> "/apps/" + segment(r) + "/rollout/" + segment(r), r -> null),
                new Route("GET", r -> "/apps/" + segment(r) + "/" + (r.nextBoolean() ? "status" : "history"), r -> null),
                new Route("POST", r -> "/apps/" + segment(r) + "/workers/" + segment(r) + "/run", r -> null),
                new Route("POST", r -> "/images/pull", ApiFuzzIT::shapeless),
                new Route("POST", r -> "/images/push", ApiFuzzIT::shapeless),
                new Route("POST", r -> "/registries/login", ApiFuzzIT::shapeless),
                new Route("POST", r -> "/registries/tags", ApiFuzzIT::shapeless),
                new Route("GET", r -> "/images/" + segment(r), r -> null),
                new Route("GET", r -> "/transfers/" + segment(r), r -> null),
                new Route("GET", r -> "/v1/metrics" + query(r, "format", "service", "mode"), r -> null),
                new Route("GET", r -> "/v1/status" + query(r, "app"), r -> null),
                // last, so the routes above keep the random sequence they always had
                new Route("POST", r -> "/v1/certificates", r -> object(r, new String[] {"domain", "cert", "key"}, 0)),
                new Route("DELETE", r -> "/v1/certificates/" + segment(r), r -> null),
                // ACME: an order that passes the checks fails fast (server.xml points yoq.acme.directory_url at a closed port)
                new Route("POST", r -> "/v1/certificates/" + segment(r) + (r.nextBoolean() ? "/provision" : "/renew"), r -> object(r,
                        new String[] {"email", "staging", "directory_url", "challenge", "dns_provider", "dns_hook", "dns_propagation_timeout_secs",
                                "dns_poll_interval_secs"}, 0)));
    }

    @Test
    void no_route_answers_500_or_a_stack_trace_whatever_it_is_sent() throws Exception {
        Random r = new Random(SEED);
        List<String> wrong = new ArrayList<>();
        int sent = 0;
        for (Route route : routes()) {
            for (int i = 0; i < PER_ROUTE; i++) {
                String path = route.path().apply(r);
                String body = route.body().apply(r);
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri("/").toString().replaceAll("/$", "") + path))
                        .timeout(java.time.Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .method(route.method(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
                HttpResponse<String> res = YoqServer.send(b, token());
                sent++;
                String problem = problem(res);
                if (problem != null) wrong.add(route.method() + " " + path + " " + abbreviate(body) + " -> " + problem);
            }
        }
        assertThat(wrong).as("answers out of shape among " + sent + " requests").isEmpty();
    }

    /** What is wrong with an answer, or null. */
    static String problem(HttpResponse<String> res) {
        if (res.statusCode() == 500) return "500 " + abbreviate(res.body());
        if (res.body().contains("Exception") || res.body().contains("\tat ")) return "a stack trace: " + abbreviate(res.body());
        if (res.statusCode() < 400) return null;
        if (res.statusCode() == 429) return "rate limited (the fuzz must stay under the token's budget)";
        try {
            JsonNode n = YoqServer.JSON.readTree(res.body());
            if (n == null || !n.path("error").isTextual()) return res.statusCode() + " without {\"error\":...}: " + abbreviate(res.body());
        } catch (Exception e) {
            return res.statusCode() + " not JSON: " + abbreviate(res.body());
        }
        return null;
    }

    static String abbreviate(String s) {
        if (s == null) return "";
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
