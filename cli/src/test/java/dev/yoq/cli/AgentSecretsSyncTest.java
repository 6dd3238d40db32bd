package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which copies of cluster secrets an agent fetches, keeps and removes: decided from versions alone. */
class AgentSecretsSyncTest {
    @TempDir
    Path dir;

    @Test
    void a_copy_is_fetched_when_missing_or_of_another_version_only() {
        Map<String, String> held = Map.of("db", "v1", "api", "v7");
        assertThat(AgentSecretsSync.stale(Map.of("db", "v1"), held)).isEmpty();
        assertThat(AgentSecretsSync.stale(Map.of("db", "v2"), held)).containsExactly("db");
        assertThat(AgentSecretsSync.stale(Map.of("tls", "v1"), held)).containsExactly("tls");
    }

    @Test
    void copies_no_wanted_work_names_are_the_ones_removed() {
        Map<String, String> held = Map.of("db", "v1", "api", "v7", "old", "v3");
        assertThat(AgentSecretsSync.unused(held, AgentSecretsSync.wanted(List.of(Map.of("db", "v1"), Map.of("api", "v8")))))
                .containsExactly("old");
        assertThat(AgentSecretsSync.unused(held, List.of())).containsExactly("api", "db", "old");
    }

    @Test
    void versions_are_read_from_the_assignment_and_absent_means_none() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(AgentSecretsSync.versions(json.readTree("{\"id\":\"x\",\"secret_versions\":{\"db\":\"0a1b\",\"api\":\"ff00\"}}")))
                .containsExactly(Map.entry("db", "0a1b"), Map.entry("api", "ff00"));
        assertThat(AgentSecretsSync.versions(json.readTree("{\"id\":\"x\"}"))).isEmpty();
    }

    @Test
    void the_copies_it_made_are_kept_across_a_restart_and_a_garbled_line_is_skipped() throws Exception {
        Path file = dir.resolve("cluster/secrets");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "db 0a1b\n../evil 1\nbroken\n");
        AgentSecretsSync sync = new AgentSecretsSync(file, new PrintStream(new ByteArrayOutputStream()));
        assertThat(AgentSecretsSync.stale(Map.of("db", "0a1b", "evil", "1"), sync.held())).containsExactly("evil");
    }

    /** A node's server: its secret store, and whether it says it is a cluster server. */
    static class FakeNode extends ApiClient {
        final Map<String, String> store = new java.util.TreeMap<>();
        int statusCode = 200;
        boolean clusterServer;
        java.util.Set<String> inUse = new java.util.HashSet<>();
        boolean answerLost;

        FakeNode() {
            super(ServerAddress.parse("127.0.0.1:1"), new GlobalOptions.Credential("t", "test"));
        }

        @Override
        public Reply probeWithToken(String path) {
            return new Reply(statusCode, statusCode == 200 ? "{\"cluster\":" + clusterServer + "}" : "{\"error\":\"starting\"}");
        }

        @Override
        public Reply get(String path) {
            try {
                return new Reply(200, JSON.writeValueAsString(store.keySet()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Reply post(String path, Object body) {
            Map<?, ?> b = (Map<?, ?>) body;
            store.put((String) b.get("name"), new String(java.util.Base64.getDecoder().decode((String) b.get("value_base64"))));
            if (answerLost) throw new CliException("timed out");   // stored, but the agent never heard so
            return new Reply(201, "{}");
        }

        @Override
        public Reply probeDelete(String path) {
            String name = path.substring("/v1/secrets/".length());
            if (inUse.contains(name)) return new Reply(409, "{\"error\":\"in use\"}");
            return new Reply(store.remove(name) == null ? 404 : 204, "");
        }
    }

    /** The servers: they seal each value they hold to the key the agent sent, and may add one it did not ask for. */
    static class FakeServers extends ApiClient {
        final Map<String, String> values = new java.util.TreeMap<>();
        int fetches;

        FakeServers() {
            super(ServerAddress.parse("127.0.0.1:1"), new GlobalOptions.Credential("t", "test"));
        }

        @Override
        public Reply post(String path, Object body) {
            fetches++;
            String key = (String) ((Map<?, ?>) body).get("public_key");
            StringBuilder out = new StringBuilder("{\"secrets\":[");
            values.forEach((name, value) -> out.append(out.length() > 12 ? "," : "").append("{\"name\":\"").append(name)
                    .append("\",\"version\":\"v-").append(value).append("\",\"sealed\":\"").append(java.util.Base64.getEncoder().encodeToString(
                            dev.yoq.security.AgentSealing.seal(key, dev.yoq.security.AgentSealing.context("a1", name), value.getBytes()))).append("\"}"));
            return new Reply(200, out.append("]}").toString());
        }
    }

    AgentSecretsSync sync() {
        return new AgentSecretsSync(dir.resolve("cluster/secrets"), new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void the_works_secrets_are_copied_once_per_version_and_nothing_it_did_not_ask_for() throws Exception {
        FakeNode node = new FakeNode();
        FakeServers servers = new FakeServers();
        servers.values.put("db", "pw1");
        servers.values.put("intruder", "x");
        AgentSecretsSync sync = sync();
        sync.ensure(servers, node, "a1", "x", Map.of("db", "v-pw1"));
        assertThat(node.store).containsExactly(Map.entry("db", "pw1"));
        sync.ensure(servers, node, "a1", "x", Map.of("db", "v-pw1"));
        assertThat(servers.fetches).as("same version: no request").isEqualTo(1);
        servers.values.put("db", "pw2");
        sync.ensure(servers, node, "a1", "x", Map.of("db", "v-pw2"));
        assertThat(node.store).containsExactly(Map.entry("db", "pw2"));
        assertThat(Files.readString(dir.resolve("cluster/secrets"))).isEqualTo("db v-pw2\n").doesNotContain("pw2\n\n");
    }

    @Test
    void a_node_that_is_a_cluster_server_gets_no_copies_and_an_unclear_answer_is_asked_again() {
        FakeNode node = new FakeNode();
        FakeServers servers = new FakeServers();
        servers.values.put("db", "pw1");
        node.statusCode = 503;
        AgentSecretsSync sync = sync();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sync.ensure(servers, node, "a1", "x", Map.of("db", "v-pw1")))
                .hasMessageContaining("does not say whether it is a cluster server");
        node.statusCode = 200;
        node.clusterServer = true;
        sync.ensure(servers, node, "a1", "x", Map.of("db", "v-pw1"));
        assertThat(node.store).isEmpty();
        assertThat(servers.fetches).isZero();
    }

    @Test
    void the_nodes_own_secret_of_the_same_name_is_neither_replaced_nor_removed() {
        FakeNode node = new FakeNode();
        node.store.put("db", "the node's own");
        FakeServers servers = new FakeServers();
        servers.values.put("db", "pw1");
        AgentSecretsSync sync = sync();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sync.ensure(servers, node, "a1", "x", Map.of("db", "v-pw1")))
                .hasMessageContaining("did not copy there");
        sync.prune(node, List.of());
        assertThat(node.store).containsExactly(Map.entry("db", "the node's own"));
    }

    @Test
    void unused_copies_go_one_in_use_stays_for_the_next_time_and_a_lost_copy_is_fetched_before_a_start() {
        FakeNode node = new FakeNode();
        FakeServers servers = new FakeServers();
        servers.values.put("db", "pw1");
        servers.values.put("api", "k1");
        AgentSecretsSync sync = sync();
        sync.ensure(servers, node, "a1", "x", Map.of("db", "v-pw1", "api", "v-k1"));
        node.inUse.add("api");
        sync.prune(node, List.of());
        assertThat(node.store).containsOnlyKeys("api");
        assertThat(sync.held()).containsOnlyKeys("api");
        node.store.remove("api");   // lost: another agent on the node removed it
        sync.ensureForStart(servers, node, "a1", "y", Map.of("api", "v-k1"));
        assertThat(node.store).containsEntry("api", "k1");
    }

    @Test
    void a_copy_made_when_the_agent_stopped_is_still_its_own_after_a_restart() {
        FakeNode node = new FakeNode();
        FakeServers servers = new FakeServers();
        servers.values.put("db", "pw1");
        node.answerLost = true;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sync().ensure(servers, node, "a1", "x", Map.of("db", "v-pw1")))
                .hasMessage("timed out");
        node.answerLost = false;
        AgentSecretsSync restarted = sync();
        assertThat(restarted.held()).containsEntry("db", "");
        restarted.ensure(servers, node, "a1", "x", Map.of("db", "v-pw1"));
        assertThat(restarted.held()).containsEntry("db", "v-pw1");
        restarted.prune(node, List.of());
        assertThat(node.store).as("and removed when unused").isEmpty();
    }

    @Test
    void on_a_node_that_became_a_cluster_server_the_list_is_dropped_and_nothing_deleted() {
        FakeNode node = new FakeNode();
        FakeServers servers = new FakeServers();
        servers.values.put("db", "pw1");
        sync().ensure(servers, node, "a1", "x", Map.of("db", "v-pw1"));
        node.clusterServer = true;
        AgentSecretsSync restarted = sync();
        restarted.prune(node, List.of());
        assertThat(node.store).containsKey("db");
        assertThat(restarted.held()).isEmpty();
    }
}
