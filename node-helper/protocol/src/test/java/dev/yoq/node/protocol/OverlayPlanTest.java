package dev.yoq.node.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OverlayPlanTest {
    static OverlayPlan.Node node(int n, boolean hub) {
        return node(n, hub, true);
    }

    static OverlayPlan.Node node(int n, boolean hub, boolean online) {
        byte[] raw = new byte[32];
        raw[0] = (byte) n;
        String key = java.util.Base64.getEncoder().encodeToString(raw);
        return new OverlayPlan.Node(n, "agent" + n, key, "10.0.0." + n + ":51820", "10.40.0." + n, "10.42." + n + ".0/24", hub, online);
    }

    // two hubs (servers 1 and 2) and two agents (3 and 4), listed out of order
    static final List<OverlayPlan.Node> NODES = List.of(node(4, false), node(2, true), node(1, true), node(3, false));

    @Test
    void aHubPeersWithEveryNodeDirectlyAndForwards() {
        OverlaySpec s = OverlayPlan.plan("agent2", NODES).orElseThrow().validated();
        assertThat(s.address()).isEqualTo("10.40.0.2/24");
        assertThat(s.forward()).isTrue();
        assertThat(s.listenPort()).isEqualTo(51820);
        assertThat(s.peers()).extracting(OverlaySpec.Peer::endpoint).containsExactly("10.0.0.1:51820", "10.0.0.3:51820", "10.0.0.4:51820");
        assertThat(s.peers()).allSatisfy(p -> assertThat(p.allowedIps()).hasSize(2));
        assertThat(s.peers().get(1).allowedIps()).containsExactly("10.40.0.3/32", "10.42.3.0/24");
        assertThat(s.peers()).allSatisfy(p -> assertThat(p.keepalive()).isEqualTo(25));
    }

    @Test
    void anAgentPeersWithTheHubsOnlyAndTheLowestCarriesTheOtherAgents() {
        OverlaySpec s = OverlayPlan.plan("agent3", NODES).orElseThrow().validated();
        assertThat(s.forward()).isFalse();
        assertThat(s.peers()).extracting(OverlaySpec.Peer::endpoint).containsExactly("10.0.0.1:51820", "10.0.0.2:51820");
        assertThat(s.peers().get(0).allowedIps()).containsExactly("10.40.0.1/32", "10.42.1.0/24", "10.40.0.4/32", "10.42.4.0/24");
        assertThat(s.peers().get(1).allowedIps()).containsExactly("10.40.0.2/32", "10.42.2.0/24");
        // the other agent picks the same relay: replies take the path requests took
        assertThat(OverlayPlan.plan("agent4", NODES).orElseThrow().peers().get(0).allowedIps()).contains("10.40.0.3/32", "10.42.3.0/24");
    }

    @Test
    void aNodeMissingFromTheListHasNoOverlayAndAnEndpointsPortIsKept() {
        assertThat(OverlayPlan.plan("agent9", NODES)).isEmpty();
        OverlayPlan.Node odd = new OverlayPlan.Node(5, "agent5", node(5, true).publicKey(), "10.0.0.5:51999", "10.40.0.5", null, true, true);
        OverlaySpec s = OverlayPlan.plan("agent5", List.of(odd, node(1, true))).orElseThrow();
        assertThat(s.listenPort()).isEqualTo(51999);
        assertThat(OverlayPlan.plan("agent1", List.of(odd, node(1, true))).orElseThrow().peers().get(0).allowedIps()).containsExactly("10.40.0.5/32");
    }

    @Test
    void whileTheLowestHubIsDownTheNextOneRelaysForEveryAgentAlike() {
        List<OverlayPlan.Node> hubOneDown = List.of(node(4, false), node(2, true), node(1, true, false), node(3, false));
        for (String agent : List.of("agent3", "agent4")) {
            OverlaySpec s = OverlayPlan.plan(agent, hubOneDown).orElseThrow().validated();
            String other = agent.equals("agent3") ? "4" : "3";
            assertThat(s.peers().get(0).allowedIps()).as("hub 1 carries only its own").containsExactly("10.40.0.1/32", "10.42.1.0/24");
            assertThat(s.peers().get(1).allowedIps()).as("hub 2 relays").contains("10.40.0." + other + "/32", "10.42." + other + ".0/24");
        }
        List<OverlayPlan.Node> allDown = List.of(node(2, true, false), node(1, true, false), node(3, false), node(4, false));
        assertThat(OverlayPlan.plan("agent3", allDown).orElseThrow().peers().get(0).allowedIps()).as("none heard: the lowest, as before")
                .contains("10.42.4.0/24");
    }
}
