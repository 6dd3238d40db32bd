package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.yoq.node.protocol.OverlayPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentOverlayTest {
    static final String KEY = "zwvV+wzSrXJZyKnF3UB/qiifDAbb8wAgtnEmFII1tw8=";
    static final String OTHER_KEY = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";

    @Test
    void theClustersPeerRowsBecomeNodesAndTheServersOnlyAnswerNamesTheHubs() throws Exception {
        JsonNode peers = new ObjectMapper().readTree("""
                [{"node_id":1,"agent_id":"aaaaaaaaaaaa","public_key":"%s","endpoint":"10.0.0.1:51820","overlay_ip":"10.40.0.1","container_subnet":"10.42.1.0/24"},
                 {"node_id":2,"agent_id":"bbbbbbbbbbbb","public_key":"not-a-key","endpoint":"10.0.0.2:51820","overlay_ip":"10.40.0.2","container_subnet":"10.42.2.0/24"},
                 {"node_id":3,"agent_id":"cccccccccccc","public_key":"%s","endpoint":"10.0.0.3:51821","overlay_ip":"","container_subnet":"10.42.3.0/24"}]
                """.formatted(KEY, KEY));
        JsonNode hubs = new ObjectMapper().readTree("[{\"agent_id\":\"aaaaaaaaaaaa\"}]");
        List<OverlayPlan.Node> nodes = AgentOverlay.nodes(peers, AgentOverlay.hubIds(hubs));
        // a row without a valid key or overlay address (a server's answer, not to be trusted blindly) is skipped
        assertThat(nodes).singleElement().isEqualTo(
                new OverlayPlan.Node(1, "aaaaaaaaaaaa", KEY, "10.0.0.1:51820", "10.40.0.1", "10.42.1.0/24", true, true));
    }

    @Test
    void aRowTheServersNoLongerHearIsOfflineAndAnOlderServersRowWithoutTheFieldIsOnline() throws Exception {
        JsonNode peers = new ObjectMapper().readTree("""
                [{"node_id":1,"agent_id":"aaaaaaaaaaaa","public_key":"%s","endpoint":"10.0.0.1:51820","overlay_ip":"10.40.0.1","online":false},
                 {"node_id":2,"agent_id":"bbbbbbbbbbbb","public_key":"%s","endpoint":"10.0.0.2:51820","overlay_ip":"10.40.0.2"}]
                """.formatted(KEY, OTHER_KEY));
        assertThat(AgentOverlay.nodes(peers, java.util.Set.of())).extracting(OverlayPlan.Node::online).containsExactly(false, true);
    }

    @Test
    void rowsSharingAKeyBecomeOnePeer() throws Exception {
        JsonNode peers = new ObjectMapper().readTree("""
                [{"node_id":2,"agent_id":"aaaaaaaaaaaa","public_key":"%s","endpoint":"10.0.0.1:51820","overlay_ip":"10.40.0.2","container_subnet":"10.42.2.0/24"},
                 {"node_id":5,"agent_id":"bbbbbbbbbbbb","public_key":"%s","endpoint":"10.0.0.1:51820","overlay_ip":"10.40.0.5","container_subnet":"10.42.5.0/24"}]
                """.formatted(KEY, KEY));
        assertThat(AgentOverlay.nodes(peers, java.util.Set.of())).extracting(OverlayPlan.Node::nodeId).containsExactly(5);
    }

    @Test
    void whatJoinSendsIsWhatTheServerReads() throws Exception {
        dev.yoq.node.protocol.OverlaySpec spec = new dev.yoq.node.protocol.OverlaySpec("10.40.0.3/24", 51821, true,
                List.of(new dev.yoq.node.protocol.OverlaySpec.Peer(KEY, "10.0.0.1:51820", List.of("10.40.0.1/32"), 25)));
        var mapper = dev.yoq.node.protocol.MessageCodec.SHARED.mapper();
        JsonNode sent = mapper.valueToTree(spec);
        assertThat(sent.path("listen_port").asInt()).isEqualTo(51821);
        assertThat(sent.path("peers").get(0).path("allowed_ips").get(0).asText()).isEqualTo("10.40.0.1/32");
        // the body travels as JSON text: the server parses it with the same mapper (OverlayResource)
        String wire = new ObjectMapper().writeValueAsString(sent);
        assertThat(mapper.readValue(wire, dev.yoq.node.protocol.OverlaySpec.class)).isEqualTo(spec);
    }
}
