package dev.yoq.cluster.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.node.protocol.ServiceVip;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterVipsTest {
    @Test
    void a_services_backends_are_its_running_replicas_on_every_node_in_address_order() {
        var services = List.of(new ClusterVips.Service("shop-web", "shop", "web", "10.43.255.254"),
                new ClusterVips.Service("shop-api", "shop", "api", "10.43.255.253"));
        var running = List.of(new ClusterVips.Replica("shop", "web", "10.42.3.2"), new ClusterVips.Replica("shop", "web", "10.42.2.9"),
                new ClusterVips.Replica("other", "web", "10.42.2.4"), new ClusterVips.Replica("shop", "web", "10.42.2.10"));
        List<ServiceVip> table = ClusterVips.table(services, running,
                java.util.Map.of("shop-web", List.of(new dev.yoq.node.protocol.PortMapping("tcp", 8080, 80))));
        assertThat(table).extracting(ServiceVip::name).containsExactly("shop-api", "shop-web");
        ServiceVip web = table.get(1);
        assertThat(web.vip()).isEqualTo("10.43.255.254");
        assertThat(web.aliases()).containsExactly("web", "web.shop");
        assertThat(web.backends()).as("another app's replica of a same-named service is not one").containsExactly("10.42.2.9", "10.42.2.10", "10.42.3.2");
        assertThat(web.members()).isEqualTo(web.backends());
        assertThat(web.ports()).as("published on every node").containsExactly(new dev.yoq.node.protocol.PortMapping("tcp", 8080, 80));
        assertThat(table.get(0).ports()).isEmpty();
        assertThat(table.get(0).backends()).as("no replica running yet: a VIP without backends").isEmpty();
    }

    @Test
    void a_vip_balances_over_at_most_64_replicas() {
        List<ClusterVips.Replica> running = new ArrayList<>();
        for (int i = 2; i < 72; i++) running.add(new ClusterVips.Replica("shop", "web", "10.42.2." + i));
        ServiceVip web = ClusterVips.table(List.of(new ClusterVips.Service("shop-web", "shop", "web", "10.43.255.254")), running, java.util.Map.of()).get(0);
        assertThat(web.backends()).hasSize(ServiceVip.MAX_BACKENDS);
        assertThat(web.members()).hasSize(70);
    }

    @Test
    void a_service_whose_name_dns_cannot_carry_gets_no_vip_rather_than_a_table_every_node_refuses() {
        var services = List.of(new ClusterVips.Service("my_app-web", "my_app", "web", "10.43.255.254"),
                new ClusterVips.Service("site.v2-web", "site.v2", "web", "10.43.255.253"), new ClusterVips.Service("shop-web", "shop", "web", "10.43.255.252"));
        assertThat(ClusterVips.table(services, List.of(), java.util.Map.of())).extracting(ServiceVip::name).containsExactly("shop-web");
    }

    @Test
    void a_host_port_two_apps_publish_is_the_first_by_name_on_every_node() {
        var port = List.of(new dev.yoq.node.protocol.PortMapping("tcp", 80, 8080));
        var services = List.of(new ClusterVips.Service("shop-web", "shop", "web", "10.43.255.254"),
                new ClusterVips.Service("blog-web", "blog", "web", "10.43.255.253"));
        List<ServiceVip> table = ClusterVips.table(services, List.of(), java.util.Map.of("shop-web", port, "blog-web", port));
        assertThat(table).extracting(ServiceVip::name).containsExactly("blog-web", "shop-web");
        assertThat(table.get(0).ports()).isEqualTo(port);
        assertThat(table.get(1).ports()).as("its VIP still serves it").isEmpty();
    }
}
