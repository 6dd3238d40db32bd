package dev.yoq.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.network.NetworkException;
import dev.yoq.node.protocol.PortMapping;
import dev.yoq.node.protocol.ServiceVip;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterServiceTableTest {
    static final String VIPS = "10.43.0.0/16";

    static ServiceVip service(String name, String vip, List<String> backends) {
        return new ServiceVip(name, List.of("web", "web.shop"), vip, List.of(), backends, backends);
    }

    @Test
    void a_table_the_helper_would_refuse_is_refused_naming_the_entry_and_field() {
        assertThatThrownBy(() -> ClusterServiceTable.checked(List.of(service("shop-web", "10.44.0.1", List.of())), VIPS))
                .isInstanceOf(NetworkException.class).hasMessageContaining("[0].vip: 10.44.0.1 is not an address of this node's VIP range 10.43.0.0/16");
        assertThatThrownBy(() -> ClusterServiceTable.checked(List.of(service("shop-web", "10.43.255.254", List.of()),
                service("shop-web", "10.43.255.253", List.of())), VIPS)).hasMessageContaining("[1].name: shop-web");
        assertThatThrownBy(() -> ClusterServiceTable.checked(List.of(service("bad name", "10.43.255.254", List.of())), VIPS))
                .hasMessageContaining("[0].name");
        assertThatThrownBy(() -> ClusterServiceTable.checked(List.of(service("shop-web", "10.43.255.254", List.of("10.42.2.x"))), VIPS))
                .hasMessageContaining("backend 10.42.2.x is not a container address");
        assertThatThrownBy(() -> ClusterServiceTable.checked(List.of(service("shop-web", "10.43.255.254", List.of("10.43.0.7"))), VIPS))
                .as("the helper would refuse the node's whole table").hasMessageContaining("backend 10.43.0.7 is not a container address");
        assertThatThrownBy(() -> ClusterServiceTable.checked(List.of(new ServiceVip("shop-web", List.of(), "10.43.255.254",
                List.of(new PortMapping("tcp", 8080, 80)), List.of(), List.of()), new ServiceVip("blog-web", List.of(), "10.43.255.253",
                List.of(new PortMapping("tcp", 8080, 80)), List.of(), List.of())), VIPS)).hasMessageContaining("[1].ports[0]: host port 8080/tcp is given twice");
        assertThatThrownBy(() -> ClusterServiceTable.checked(List.of(new ServiceVip("shop-web", List.of("no_underscores"), "10.43.255.254",
                List.of(), List.of(), List.of())), VIPS)).hasMessageContaining("[0].aliases: bad name no_underscores");
        assertThatThrownBy(() -> ClusterServiceTable.checked(null, VIPS)).hasMessageContaining("JSON array");
    }

    @Test
    void the_nodes_own_services_keep_their_names_and_vips_and_the_clusters_come_after() {
        var own = List.of(service("shop-web", "10.43.0.2", List.of("10.42.1.2")));
        var cluster = ClusterServiceTable.checked(List.of(service("shop-web", "10.43.255.254", List.of("10.42.2.2")),
                service("blog-web", "10.43.0.2", List.of("10.42.2.3")), service("blog-api", "10.43.255.253", List.of("10.42.2.4"))), VIPS);
        assertThat(ClusterServiceTable.merged(own, cluster, java.util.Set.of())).extracting(ServiceVip::name).containsExactly("shop-web", "blog-api");
        assertThat(ClusterServiceTable.merged(own, List.of(), java.util.Set.of("tcp/80"))).isSameAs(own);
    }

    @Test
    void a_host_port_the_node_publishes_itself_stays_the_nodes() {
        var cluster = ClusterServiceTable.checked(List.of(new ServiceVip("blog-web", List.of(), "10.43.255.254",
                List.of(new PortMapping("tcp", 8080, 80), new PortMapping("tcp", 8443, 443)), List.of("10.42.2.3"), List.of("10.42.2.3"))), VIPS);
        ServiceVip served = ClusterServiceTable.merged(List.of(), cluster, java.util.Set.of("tcp/8080", "udp/8443")).get(0);
        assertThat(served.ports()).containsExactly(new PortMapping("tcp", 8443, 443));
        assertThat(served.vip()).as("the VIP still serves every port").isEqualTo("10.43.255.254");
    }
}
