package dev.yoq.node.daemon.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.node.protocol.NodeNames;
import dev.yoq.node.protocol.PortMapping;
import dev.yoq.node.protocol.ServiceVip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceTableTest {
    static ServiceVip vip(String name, String vip, List<String> backends) {
        return new ServiceVip(name, List.of("web", "web.shop"), vip, List.of(new PortMapping("tcp", 8080, 80)), backends, backends);
    }

    @Test
    void a_forged_table_cannot_steer_traffic_outside_yoqs_ranges(@TempDir Path dir) {
        ServiceTable t = new ServiceTable(dir.resolve("services.json"), line -> { });
        NodeNames n = NodeNames.DEFAULTS;
        assertThatThrownBy(() -> t.replace(List.of(vip("shop-web", "8.8.8.8", List.of())), true, n)).hasMessageContaining("is not a free address of 10.43.0.0/16");
        assertThatThrownBy(() -> t.replace(List.of(vip("shop-web", "10.43.0.2", List.of("10.43.0.9"))), true, n))
                .hasMessageContaining("backend 10.43.0.9 is not a container address");
        assertThatThrownBy(() -> t.replace(List.of(vip("shop-web", "10.43.0.2", List.of("10.42.0.300"))), true, n))
                .hasMessageContaining("backend 10.42.0.300 is not a container address");
        assertThatThrownBy(() -> t.replace(List.of(vip("a", "10.43.0.2", List.of()), vip("b", "10.43.0.2", List.of())), true, n))
                .hasMessageContaining("10.43.0.2");
        List<String> many = new java.util.ArrayList<>();
        for (int i = 2; i < 2 + 65; i++) many.add("10.42.1." + i);
        assertThatThrownBy(() -> t.replace(List.of(vip("shop-web", "10.43.0.2", many)), true, n)).hasMessageContaining("65 backends, at most 64");
        assertThatThrownBy(() -> t.replace(List.of(vip("bad name!", "10.43.0.2", List.of())), true, n)).hasMessageContaining("bad service name");
        assertThat(t.size()).as("nothing taken from a refused table").isZero();
    }

    @Test
    void the_table_survives_a_restart_and_serves_only_live_backends(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("services.json");
        new ServiceTable(file, line -> { }).replace(List.of(vip("shop-web", "10.43.0.2", List.of("10.42.0.4", "10.42.0.3", "10.42.0.2"))), true,
                NodeNames.DEFAULTS);
        assertThat(Files.exists(file)).isTrue();
        ServiceTable again = new ServiceTable(file, line -> { });
        List<ServiceVip> serving = again.serving(Set.of("10.42.0.3", "10.42.0.2"), "10.42.0.0/16", a -> true);
        assertThat(serving.get(0).backends()).as("address order, dead ones out").containsExactly("10.42.0.2", "10.42.0.3");
        assertThat(again.dnsEntries(serving)).containsEntry("shop-web", List.of("10.43.0.2")).containsEntry("web", List.of("10.43.0.2"))
                .containsEntry("web.shop", List.of("10.43.0.2"));
    }

    @Test
    void dns_can_answer_with_the_replicas_instead_of_the_vip(@TempDir Path dir) throws Exception {
        ServiceTable t = new ServiceTable(dir.resolve("services.json"), line -> { });
        t.replace(List.of(vip("shop-web", "10.43.0.2", List.of("10.42.0.2", "10.42.0.3"))), false, NodeNames.DEFAULTS);
        var serving = t.serving(Set.of("10.42.0.2", "10.42.0.3"), "10.42.0.0/16", a -> false);
        assertThat(t.dnsEntries(serving)).containsEntry("web", List.of("10.42.0.2", "10.42.0.3"));
        assertThat(t.dnsEntries(t.serving(Set.of(), "10.42.0.0/16", a -> false))).as("no replica ready: no answer rather than a dead address").isEmpty();
        t.replace(List.of(vip("shop-web", "10.43.0.2", List.of("10.42.0.2"))), true, NodeNames.DEFAULTS);
        assertThat(t.dnsEntries(t.serving(Set.of(), "10.42.0.0/16", a -> false))).as("nor the VIP while no replica is ready").isEmpty();
    }

    @Test
    void another_nodes_replica_is_served_only_while_the_overlay_routes_to_it(@TempDir Path dir) throws Exception {
        NodeNames node = new NodeNames("yoq0", "10.42.1.0/24", "yoq", "yoq-", "yoq", "10.43.0.0/16");
        ServiceTable t = new ServiceTable(dir.resolve("services.json"), line -> { });
        t.replace(List.of(vip("shop-web", "10.43.255.254", List.of("10.42.2.5", "10.42.1.7", "192.168.1.1"))), true, node);
        java.util.function.Predicate<String> overlay = a -> NodeNames.contains("10.42.2.0/24", a);
        assertThat(t.serving(Set.of("10.42.1.7"), node.subnet(), overlay).get(0).backends())
                .as("the local replica that runs and the routed remote one; never an address the overlay does not carry")
                .containsExactly("10.42.1.7", "10.42.2.5");
        assertThat(t.serving(Set.of(), node.subnet(), a -> false).get(0).backends()).as("overlay down, local replica gone").isEmpty();
    }
}
