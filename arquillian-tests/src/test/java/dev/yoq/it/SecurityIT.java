package dev.yoq.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
 * Secrets, scoped tokens and the audit, end to end on the real server, helper and CLI (privileged lane): secrets as
 * files and environment variables in real containers, a rotation seen by a running container, no plaintext in the
 * database, the logs or any API answer, every route × scope, and an audit entry for each act.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {
    static final String R = Long.toHexString(System.nanoTime() & 0xffffff);
    /** Values no test or fixture would print by chance: each is searched for everywhere afterwards. */
    static final String VALUE = "plain-" + R + "-Kx9Q";
    static final String ROTATED = "rotated-" + R + "-Zq7W";
    static final String ENV_VALUE = "env-" + R + "-Lm3P";
    @TempDir static Path tmp;
    static Process helper;
    /** Every API answer the tests saw: none may hold a secret's value but the one route that gives it to loopback. */
    static final List<String> answers = new ArrayList<>();

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return YoqServer.ear();
    }

    @BeforeAll
    static void startHelper() throws Exception {
        helper = PrivilegedLane.start("SecurityIT", tmp);
    }

    /** The tokens this class made: revoked when it ends, so none outlives it on the shared test server. */
    static final List<String> made = new ArrayList<>();

    @AfterAll
    static void stopHelper() throws Exception {
        for (String name : made) call("DELETE", "/v1/tokens/" + name, null, YoqServer.token());
        PrivilegedLane.stop("SecurityIT", helper);
    }

    static HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(YoqServer.uri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        HttpResponse<String> r = YoqServer.send(b, token);
        answers.add(r.body());
        return r;
    }

    static CliIT.Run yoq(String... args) throws Exception {
        CliIT.Run r = PrivilegedLane.yoq(args);
        answers.add(r.out());
        answers.add(r.err());
        return r;
    }

    static String token(String name, String... scopes) throws Exception {
        List<String> args = new ArrayList<>(List.of("token", "create", name + "-" + R));
        made.add(name + "-" + R);
        for (String s : scopes) args.addAll(List.of("--scope", s));
        CliIT.Run r = PrivilegedLane.yoq(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).matches("[0-9a-f]{64}");
        return r.out().strip();
    }

    @Test
    @Order(1)
    void secrets_are_set_from_a_value_stdin_or_a_file_listed_by_name_and_their_values_never_leave_over_the_api() throws Exception {
        assertThat(yoq("secret", "set", "db-" + R, "--value", VALUE).out()).isEqualTo("db-" + R + "\n");
        ProcessBuilder pb = new ProcessBuilder(YoqServer.REPO.resolve("bin/yoq").toString(), "--server", CliIT.server(), "secret", "set", "env-" + R);
        pb.environment().put("YOQ_HOME", YoqServer.DATA_DIR.toString());
        Process p = pb.start();
        p.getOutputStream().write((ENV_VALUE + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor()).as(new String(p.getErrorStream().readAllBytes())).isZero();
        Path bin = Files.write(tmp.resolve("bin.key"), new byte[] {0, 1, (byte) 0xff, 10});
        assertThat(yoq("secret", "set", "bin-" + R, "--file", bin.toString()).exit()).isZero();

        assertThat(yoq("secret", "get", "env-" + R).out()).as("stdin's trailing newline trimmed").isEqualTo(ENV_VALUE + "\n");
        assertThat(call("POST", "/v1/secrets/bin-" + R + "/value", null, YoqServer.token()).body()).contains("\"value_base64\":\"AAH/Cg==\"");
        JsonNode names = YoqServer.JSON.readTree(yoq("--json", "secret", "list").out());
        assertThat(names.toString()).contains("\"db-" + R + "\"", "\"env-" + R + "\"", "\"bin-" + R + "\"");

        String t = YoqServer.token();
        assertThat(call("GET", "/v1/secrets/db-" + R, null, t).statusCode()).as("values are never returned by GET").isEqualTo(405);
        assertThat(call("POST", "/v1/secrets", "{\"value\":\"x\"}", t).body()).isEqualTo("{\"error\":\"name: missing\"}");
        assertThat(call("POST", "/v1/secrets", "{\"name\":\"\",\"value\":\"x\"}", t).body()).isEqualTo("{\"error\":\"name: empty\"}");
        assertThat(call("POST", "/v1/secrets", "{\"name\":\"x\"}", t).body()).isEqualTo("{\"error\":\"value: missing\"}");
        assertThat(call("POST", "/v1/secrets", "{\"name\":\"../etc\",\"value\":\"x\"}", t).statusCode()).isEqualTo(400);
        String big = "a".repeat((1 << 20) + 1);
        HttpResponse<String> tooBig = call("POST", "/v1/secrets", "{\"name\":\"big-" + R + "\",\"value\":\"" + big + "\"}", t);
        assertThat(tooBig.statusCode()).isEqualTo(400);
        assertThat(tooBig.body()).contains("more than the 1048576 allowed");
        assertThat(call("POST", "/v1/secrets", "{\"name\":\"max-" + R + "\",\"value\":\"" + big.substring(1) + "\"}", t).statusCode())
                .as("exactly 1 MiB is allowed").isEqualTo(201);
        assertThat(call("DELETE", "/v1/secrets/max-" + R, null, t).body()).isEqualTo("{\"status\":\"removed\"}");
        assertThat(call("DELETE", "/v1/secrets/max-" + R, null, t).statusCode()).isEqualTo(404);
        CliIT.Run unknown = yoq("secret", "get", "nope-" + R);
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("error: secret not found: nope-" + R + "\n");
        assertThat(yoq("secret", "rotate", "db-" + R).out()).isEqualTo("db-" + R + ": rotated\n");
        assertThat(yoq("secret", "get", "db-" + R).out()).isEqualTo(VALUE + "\n");
    }

    @Test
    @Order(2)
    void a_service_gets_its_secrets_as_files_and_env_and_a_new_value_reaches_the_running_container_without_a_restart() throws Exception {
        String deployer = token("deployer", "apps:write", "containers:write", "secrets:read");
        String deployOnly = token("deploy-only", "apps:write");
        Path dir = Files.createDirectories(tmp.resolve("sec" + R));
        Files.writeString(dir.resolve("manifest.toml"), "app = \"sec" + R + "\"\n[service.web]\nimage = \"" + PrivilegedLane.rootfs(tmp)
                + "\"\ncommand = [\"sh\", \"-c\", \"trap 'exit 0' TERM; sleep 1000 & wait\"]\nsecrets = [\"db-" + R + "\"]\n"
                + "env_secrets = [\"API_KEY=env-" + R + "\"]\nenv = [\"API_KEY=overridden\"]\nvolumes = [\"" + tmp + ":/data:ro\"]\n");
        CliIT.Run missing = runAs(deployer, dir, "up", "-f", Files.writeString(dir.resolve("missing.toml"), "app = \"miss" + R + "\"\n"
                + "[service.web]\nimage = \"" + PrivilegedLane.rootfs(tmp) + "\"\nsecrets = [\"absent-" + R + "\"]\n").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("secret not found: service.web.secrets: absent-" + R);

        CliIT.Run refused = runAs(deployOnly, dir, "up", "-f", dir.resolve("manifest.toml").toString());
        assertThat(refused.err()).as("deploying secrets reads them: it takes secrets:read")
                .contains("403: missing scope: secrets:read (the manifest gives its workloads secrets)");
        CliIT.Run up = runAs(deployer, dir, "up", "-f", dir.resolve("manifest.toml").toString());
        assertThat(up.exit()).as(up.out() + up.err()).isZero();
        String id = containerOf("sec" + R);
        CliIT.Run seen = PrivilegedLane.yoq("exec", id, "sh", "-c", "cat /run/secrets/db-" + R + "; echo; stat -c '%a %u' /run/secrets/db-" + R
                + "; tr '\\0' '\\n' < /proc/1/environ | grep API_KEY; touch /run/secrets/x 2>/dev/null || echo read-only");
        assertThat(seen.out()).isEqualTo(VALUE + "\n400 0\nAPI_KEY=" + ENV_VALUE + "\nread-only\n");
        assertThat(PrivilegedLane.yoq("exec", id, "sh", "-c", "echo $API_KEY").out()).as("an exec'd process has the variable too")
                .isEqualTo(ENV_VALUE + "\n");

        Path onDisk = YoqServer.DATA_DIR.resolve("containers").resolve(id);
        for (String f : List.of("state.json", "init.conf")) {
            assertThat(Files.readString(onDisk.resolve(f))).as("no value in the container's " + f + " on disk")
                    .doesNotContain(VALUE).doesNotContain(ENV_VALUE);
        }
        assertThat(Files.getPosixFilePermissions(onDisk.resolve("secrets"))).as("the secrets tmpfs is root's alone")
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE, java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
        assertThat(yoq("secret", "set", "db-" + R, "--value", ROTATED).exit()).isZero();
        assertThat(PrivilegedLane.yoq("exec", id, "cat", "/run/secrets/db-" + R).out()).isEqualTo(ROTATED);
        HttpResponse<String> inUse = call("DELETE", "/v1/secrets/db-" + R, null, YoqServer.token());
        assertThat(inUse.statusCode()).isEqualTo(409);
        assertThat(inUse.body()).contains("secret db-" + R + " is in use by containers sec" + R + "-web-1-");
        assertThat(containerOf("sec" + R)).as("the same container: no restart").isEqualTo(id);
        JsonNode c = YoqServer.json(call("GET", "/containers/" + id, null, YoqServer.token()));
        assertThat(c.path("status").asText()).isEqualTo("running");

        assertThat(runAs(deployer, dir, "rollout", "pause", "--app", "sec" + R).exit()).isIn(0, 1);   // audited either way
        assertThat(runAs(deployer, dir, "down", "--app", "sec" + R).exit()).isZero();
    }

    static CliIT.Run runAs(String token, Path dir, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(YoqServer.REPO.resolve("bin/yoq").toString(), "--server", CliIT.server(), "--token", token));
        all.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(all).directory(dir.toFile());
        pb.environment().remove("YOQ_TOKEN");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        answers.add(out);
        answers.add(err);
        return new CliIT.Run(p.exitValue(), out, err);
    }

    static String containerOf(String app) throws Exception {
        for (JsonNode c : YoqServer.json(call("GET", "/containers", null, YoqServer.token()))) {
            if (c.path("name").asText().startsWith(app + "-") && c.path("status").asText().equals("running")) return c.path("id").asText();
        }
        throw new AssertionError("no running container of " + app);
    }

    /**
     * Spec §2.1's table, written out here (not computed by the server's code): the scope a request needs, by its
     * method and path.
     */
    static String needs(String method, String path) {
        boolean write = !method.equals("GET") && !method.equals("HEAD");
        String p = path.replaceAll("\\?.*", "");
        java.util.function.Predicate<String> under = prefix -> p.equals(prefix) || p.startsWith(prefix + "/");
        String[][] table = {{"/v1/secrets", "secrets"}, {"/v1/policies", "policies"}, {"/v1/certificates", "certificates"},
                {"/v1/services", "services"}, {"/containers", "containers"}, {"/images", "images"}, {"/registries", "images"},
                {"/transfers", "images"}, {"/agents", "agents"}, {"/wireguard", "agents"}, {"/s3", "s3"}};
        if (p.matches("/v1/secrets/[^/]+/value")) return "secrets:read";   // yoq's route for yoq secret get: reading, though a POST
        if (under.test("/v1/audit")) return "audit:read";
        if (under.test("/v1/status") || under.test("/v1/metrics")) return "status:read";
        if (p.equals("/apps/dry-run")) return "apps:read";
        if (under.test("/apps") || under.test("/deploy")) return write ? "apps:write" : "apps:read";
        if (under.test("/cluster")) return write ? "cluster:admin" : "cluster:read";
        for (String[] row : table) if (under.test(row[0])) return row[1] + (write ? ":write" : ":read");
        return "*";
    }

    static boolean grants(List<String> held, String needs) {
        if (held.contains("*") || held.contains(needs)) return true;
        if (needs.equals("*")) return false;
        String resource = needs.substring(0, needs.indexOf(':'));
        return held.contains(resource + ":*")
                || (needs.endsWith(":read") && (held.contains(resource + ":write") || held.contains(resource + ":admin")));
    }

    static final java.util.regex.Pattern AGENTS_OWN = java.util.regex.Pattern.compile(
            "GET /agents/[^/]+/(assignments|services|policies|routes)|GET /wireguard/peers|POST /agents/[^/]+/heartbeat"
                    + "|POST /agents/[^/]+/assignments/[^/]+/(status|secrets)");

    /** Every route the server serves, from its own OpenAPI document, with made-up ids (nothing they name exists). */
    static List<String[]> everyRoute() throws Exception {
        JsonNode doc = YoqServer.JSON.readTree(YoqServer.send(HttpRequest.newBuilder(YoqServer.uri("/openapi"))
                .header("Accept", "application/json").GET(), null).body());
        List<String[]> routes = new ArrayList<>();
        doc.path("paths").fields().forEachRemaining(e -> e.getValue().fieldNames().forEachRemaining(m -> {
            String method = m.toUpperCase(java.util.Locale.ROOT);
            String path = e.getKey().replaceAll("\\{[^}]*\\}", "ffffffffffff");
            if (!List.of("GET", "POST", "PUT", "DELETE").contains(method)) return;
            // public, or the join token's (the body carries it), or one that would act on the test server's real data
            if (path.equals("/version") || path.equals("/agents/register") || path.equals("/images/prune")
                    || path.equals("/v1/secrets/_rotate-key") || path.endsWith("/down")) return;
            routes.add(new String[] {method, path});
        }));
        return routes;
    }

    @Test
    @Order(3)
    void every_route_refuses_a_token_without_its_scope_with_403_naming_the_scope_and_lets_one_with_it_through() throws Exception {
        Map<List<String>, String> tokens = new LinkedHashMap<>();
        List<String> resources = List.of("apps", "secrets", "policies", "certificates", "audit", "status", "services", "cluster", "agents",
                "containers", "images", "s3");
        int n = 0;
        for (String r : resources) {
            for (String level : List.of("read", "write", "*")) tokens.put(List.of(r + ":" + level), token("m" + n++, r + ":" + level));
        }
        tokens.put(List.of("cluster:admin"), token("m" + n++, "cluster:admin"));
        tokens.put(List.of("*"), token("m" + n, "*"));
        List<String[]> routes = everyRoute();
        assertThat(routes.stream().map(r -> r[0] + " " + r[1])).as("the OpenAPI document lists the routes")
                .contains("GET /v1/secrets", "POST /apps/apply", "DELETE /v1/tokens/ffffffffffff", "GET /v1/audit", "POST /cluster/step-down")
                .hasSizeGreaterThan(60);
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (String[] route : routes) {
            String needs = needs(route[0], route[1]);
            String body = route[0].equals("GET") || route[0].equals("DELETE") ? null : "{";   // malformed: nothing is done
            boolean agentsOwn = AGENTS_OWN.matcher(route[0] + " " + route[1]).matches();
            for (Map.Entry<List<String>, String> t : tokens.entrySet()) {
                HttpResponse<String> r = call(route[0], route[1], body, t.getValue());
                if (agentsOwn) {   // an agent's own routes take its token or the join token: never an operator's, even *
                    if (r.statusCode() != 401) wrong.add(route[0] + " " + route[1] + " with " + t.getKey() + ": " + r.statusCode() + " (an agent's route)");
                    checked++;
                    continue;
                }
                boolean allowed = grants(t.getKey(), needs);
                boolean ok = allowed ? r.statusCode() != 403 && r.statusCode() != 401
                        : r.statusCode() == 403 && r.body().equals("{\"error\":\"missing scope: " + needs + "\"}");
                if (!ok) wrong.add(route[0] + " " + route[1] + " with " + t.getKey() + ": " + r.statusCode() + " " + r.body());
                checked++;
            }
        }
        assertThat(wrong).as(checked + " route x scope calls").isEmpty();
        assertThat(call("GET", "/version", null, null).statusCode()).as("public").isEqualTo(200);
    }

    @Test
    @Order(4)
    void a_revoked_or_expired_token_is_refused_and_tokens_are_stored_only_as_hashes() throws Exception {
        String reader = token("reader", "apps:read");
        assertThat(call("GET", "/apps", null, reader).statusCode()).isEqualTo(200);
        assertThat(yoq("token", "revoke", "reader-" + R).out()).isEqualTo("reader-" + R + ": revoked\n");
        assertThat(call("GET", "/apps", null, reader).statusCode()).isEqualTo(401);
        CliIT.Run shortLived = PrivilegedLane.yoq("token", "create", "brief-" + R, "--scope", "apps:read", "--ttl", "1s");
        assertThat(shortLived.exit()).as(shortLived.err()).isZero();
        String brief = shortLived.out().strip();
        assertThat(brief).matches("[0-9a-f]{64}");
        Thread.sleep(1_500);
        assertThat(call("GET", "/apps", null, brief).statusCode()).isEqualTo(401);
        String list = yoq("token", "list").out();
        assertThat(list).containsPattern("reader-" + R + " +revoked +apps:read +never").containsPattern("brief-" + R + " +expired +apps:read");
        assertThat(call("POST", "/v1/tokens", "{\"name\":\"bad-" + R + "\",\"scopes\":[\"status:admin\"]}", YoqServer.token()).body())
                .startsWith("{\"error\":\"invalid scope: status:admin");
        assertThat(call("POST", "/v1/tokens", "{\"name\":\"none-" + R + "\",\"scopes\":[]}", YoqServer.token()).body())
                .isEqualTo("{\"error\":\"at least one scope is required (--scope)\"}");
        String certs = token("certs", "certificates:write");
        HttpResponse<String> hook = call("POST", "/v1/certificates/hook-" + R + ".test/provision",
                "{\"challenge\":\"dns-01\",\"dns_provider\":\"exec\",\"dns_hook\":[\"/bin/true\"],\"dns_secrets\":{\"T\":\"db-" + R + "\"}}", certs);
        assertThat(hook.statusCode()).as("a hook is a command the server runs, given secrets: it takes *").isEqualTo(403);
        assertThat(hook.body()).isEqualTo("{\"error\":\"missing scope: * (a dns_hook is a command the server runs, and dns_secrets hand it secrets)\"}");
        HttpResponse<String> secretsAlone = call("POST", "/v1/certificates/hook-" + R + ".test/renew", "{\"dns_secrets\":{\"T\":\"db-" + R + "\"}}", certs);
        assertThat(secretsAlone.statusCode()).as("handing a stored hook other secrets takes * too").isEqualTo(403);
        byte[] db = Files.readAllBytes(YoqServer.DATA_DIR.resolve("yoq.db"));
        Path wal = YoqServer.DATA_DIR.resolve("yoq.db-wal");
        String stored = new String(db, StandardCharsets.ISO_8859_1) + (Files.exists(wal) ? new String(Files.readAllBytes(wal), StandardCharsets.ISO_8859_1) : "");
        assertThat(stored).as("the secret of a token is never stored").doesNotContain(reader).doesNotContain(brief);
    }

    @Test
    @Order(5)
    void each_act_is_audited_with_its_actor_target_and_outcome() throws Exception {
        String t = YoqServer.token();
        call("POST", "/v1/policies", "{\"source\":\"a-" + R + "\",\"target\":\"b-" + R + "\",\"action\":\"deny\"}", t);
        call("DELETE", "/v1/policies/a-" + R + "/b-" + R, null, t);
        call("POST", "/v1/certificates", "{\"domain\":\"x-" + R + ".test\",\"cert\":\"no\",\"key\":\"no\"}", t);
        call("POST", "/registries/login", "{\"registry\":\"127.0.0.1:1\",\"username\":\"u\",\"password\":\"p\"}", t);
        CliIT.Run run = yoq("run", "--name", "hp-" + R, "-v", tmp.toString() + ":/mnt", PrivilegedLane.rootfs(tmp).toString(), "true");
        assertThat(run.exit()).as(run.err()).isZero();
        yoq("secret", "rm", "bin-" + R);
        yoq("secret", "list");

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("secret_set", "db-" + R);
        expected.put("secret_rotate", "db-" + R);
        expected.put("secret_get", "env-" + R);
        expected.put("secret_delete", "bin-" + R);
        expected.put("token_create", "reader-" + R);
        expected.put("token_revoke", "reader-" + R);
        expected.put("app_apply", "sec" + R);
        expected.put("app_down", "sec" + R);
        expected.put("rollout_pause", "sec" + R);
        expected.put("container_exec", null);
        expected.put("host_path_mount", tmp + ":/mnt");
        expected.put("policy_add", "a-" + R + " -> b-" + R);
        expected.put("policy_delete", "a-" + R + " -> b-" + R);
        expected.put("certificate_install", null);
        expected.put("registry_login", null);
        expected.put("secret_list", null);
        List<String> missing = new ArrayList<>();
        JsonNode audit = null;
        for (Map.Entry<String, String> e : expected.entrySet()) {
            audit = YoqServer.json(call("GET", "/v1/audit?limit=500&action=" + e.getKey(), null, t));
            boolean found = false;
            for (JsonNode a : audit) found |= e.getValue() == null || a.path("target").asText().contains(e.getValue());
            if (!found || audit.isEmpty()) missing.add(e.getKey() + " " + e.getValue() + ": " + audit);
        }
        assertThat(missing).isEmpty();
        JsonNode byDeployer = YoqServer.json(call("GET", "/v1/audit?actor=deployer-" + R + "&action=app_apply", null, t));
        assertThat(byDeployer).as("a named token's acts carry its name").isNotEmpty();
        assertThat(byDeployer.get(0).path("outcome").asText()).isEqualTo("ok");
        JsonNode binds = YoqServer.json(call("GET", "/v1/audit?actor=deployer-" + R + "&action=host_path_mount", null, t));
        assertThat(binds.toString()).as("an app's host paths are audited with its release").contains("sec" + R + ": " + tmp + ":/data");
        JsonNode denied = YoqServer.json(call("GET", "/v1/audit?actor=m0-" + R + "&limit=500", null, t));
        assertThat(denied.toString()).contains("denied: missing scope secrets:write");
        JsonNode failed = YoqServer.json(call("GET", "/v1/audit?action=certificate_install&limit=5", null, t));
        assertThat(failed.get(0).path("outcome").asText()).isEqualTo("failed: 400");
        assertThat(audit.get(0).fieldNames()).toIterable().containsExactly("recorded_at", "actor", "action", "target", "outcome");
        CliIT.Run cli = yoq("audit", "--actor", "deployer-" + R, "--since", "1h");
        assertThat(cli.out()).startsWith("TIME").contains("deployer-" + R).contains("app_apply");
    }

    @Test
    @Order(6)
    void no_secret_value_is_in_the_database_the_logs_or_any_api_answer() throws Exception {
        for (String path : List.of("/v1/status", "/apps", "/apps/sec" + R + "/status", "/apps/sec" + R + "/history", "/containers",
                "/v1/audit?limit=500", "/v1/metrics?format=prometheus", "/v1/services")) {
            call("GET", path, null, YoqServer.token());
        }
        List<String> values = List.of(VALUE, ROTATED, ENV_VALUE);
        List<String> found = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (String f : List.of("yoq.db", "yoq.db-wal", "yoq.db-shm")) files.add(YoqServer.DATA_DIR.resolve(f));
        try (Stream<Path> logs = Stream.concat(Files.walk(YoqServer.SERVER_DIR.resolve("logs")), Stream.of(tmp.resolve("helper.log")))) {
            logs.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path f : files) {
            if (!Files.exists(f)) continue;
            String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            for (String v : values) if (text.contains(v)) found.add(v + " in " + f);
        }
        for (String a : answers) {
            for (String v : values) {
                // the CLI's secret get (POST /v1/secrets/{name}/value, loopback only) prints exactly the value: nothing else may
                if (a.contains(v) && !a.strip().equals(v)) found.add(v + " in an answer: " + a.substring(0, Math.min(200, a.length())));
            }
        }
        assertThat(files).as("the database and the server log were searched").anyMatch(f -> f.endsWith("yoq.db"))
                .anyMatch(f -> f.getFileName().toString().equals("messages.log"));
        assertThat(answers.size()).isGreaterThan(900);
        assertThat(found).isEmpty();
    }
}
