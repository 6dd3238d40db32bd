package dev.yoq.it;

import static dev.yoq.it.CliIT.server;
import static dev.yoq.it.CliIT.yoq;
import static dev.yoq.it.YoqServer.get;
import static dev.yoq.it.YoqServer.json;
import static dev.yoq.it.YoqServer.send;
import static dev.yoq.it.YoqServer.token;
import static dev.yoq.it.YoqServer.uri;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A server outside any cluster answers the cluster routes as spec §7.2 row 25 says, and so do the CLI commands. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClusterRoutesIT {

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return YoqServer.ear();
    }

    static HttpResponse<String> post(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")), token());
    }

    @Test
    void status_lists_and_node_info_say_not_clustered() throws Exception {
        assertThat(get("/cluster/status", token()).body()).isEqualTo("{\"cluster\":false}");
        assertThat(get("/agents", token()).body()).isEqualTo("[]");
        assertThat(get("/wireguard/peers", token()).body()).isEqualTo("[]");
        assertThat(get("/cluster/peers/info", token()).body()).isEqualTo("[]");
        JsonNode info = json(get("/cluster/node-info", token()));
        assertThat(info.path("id").asInt()).isZero();
        assertThat(info.path("unix_ms").asLong()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
        JsonNode version = json(get("/cluster/version", token()));
        assertThat(version.path("protocol_version").asInt()).isEqualTo(1);
        assertThat(version.path("software_version").asText()).isEqualTo(json(get("/version", null)).path("version").asText());
        assertThat(get("/cluster/status", null).statusCode()).isEqualTo(401);
    }

    @Test
    void cluster_only_actions_are_400_not_running_in_cluster_mode() throws Exception {
        for (String path : new String[] {"/agents/register", "/deploy", "/cluster/step-down", "/cluster/propose",
                "/agents/0a1b2c3d4e5f/heartbeat", "/agents/0a1b2c3d4e5f/drain", "/agents/0a1b2c3d4e5f/assignments/x/status",
                "/agents/0a1b2c3d4e5f/assignments/x/secrets"}) {
            HttpResponse<String> r = post(path);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(r.body()).as(path).isEqualTo("{\"error\":\"not running in cluster mode\"}");
        }
        HttpResponse<String> badId = post("/agents/NOT-HEX/drain");
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(badId.body()).isEqualTo("{\"error\":\"invalid agent id\"}");
        assertThat(get("/agents/" + "a".repeat(65) + "/assignments", token()).body()).isEqualTo("{\"error\":\"invalid agent id\"}");
    }

    @Test
    void the_cli_prints_the_same() throws Exception {
        CliIT.Run status = yoq(Map.of(), "cluster", "status", "--server", server());
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out().trim()).isEqualTo("{\"cluster\":false}");
        CliIT.Run nodes = yoq(Map.of(), "nodes", "--server", server());
        assertThat(nodes.exit()).as(nodes.err()).isZero();
        assertThat(nodes.out().trim()).isEqualTo("no agents");
        assertThat(yoq(Map.of(), "nodes", "--json", "--server", server()).out().trim()).isEqualTo("[]");
        CliIT.Run drain = yoq(Map.of(), "drain", "0a1b2c3d4e5f", "--server", server());
        assertThat(drain.exit()).isNotZero();
        assertThat(drain.err()).contains("not running in cluster mode");
    }
}
