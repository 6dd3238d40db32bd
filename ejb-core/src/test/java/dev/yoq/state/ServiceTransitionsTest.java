package dev.yoq.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.model.ServiceEndpointRecord;
import dev.yoq.model.ServiceRecord;
import dev.yoq.node.protocol.PortMapping;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Services' VIPs, published ports and endpoints, through the commands, against real SQLite. */
class ServiceTransitionsTest extends BusTestBase {
    static final String RANGE = "10.43.0.0/16";

    String ensure(String app, String service, List<PortMapping> ports, int replicas) {
        return bus.submit(new Command.EnsureService(app, service, ports, replicas, RANGE, 1_000));
    }

    void replica(String id, String app, String service, String state) {
        bus.submit(new Command.CreateContainer(id, app + "-" + service + "-" + id, "/rootfs", null, "httpd", service, "{}", "no", true, List.of(),
                new Command.Workload(app, "service", service, "rel", "h", state), 1_000, null));
    }

    ServiceEndpointRecord endpoint(String service, String id) {
        return db.inNewTransaction(em -> em.find(ServiceEndpointRecord.class, new ServiceEndpointRecord.Key(service, id)));
    }

    @Test
    void vips_are_the_lowest_free_stable_across_releases_and_released_with_the_service() {
        assertThat(ensure("shop", "web", List.of(), 1)).isEqualTo("10.43.0.2");
        assertThat(ensure("shop", "db", List.of(), 1)).isEqualTo("10.43.0.3");
        assertThat(ensure("shop", "web", List.of(), 3)).as("a later release keeps the VIP").isEqualTo("10.43.0.2");
        assertThat(db.inNewTransaction(em -> em.find(ServiceRecord.class, "shop-web")).getDesiredReplicas()).isEqualTo(3);
        bus.submit(new Command.RemoveService("shop", "web"));
        assertThat(ensure("blog", "api", List.of(), 1)).as("the released VIP is the next one given").isEqualTo("10.43.0.2");
    }

    @Test
    void a_service_owns_its_host_ports_once_for_all_replicas() {
        ensure("shop", "web", List.of(new PortMapping("tcp", 18080, 80)), 3);
        assertThatThrownBy(() -> bus.submit(new Command.CreateContainer("ccccccccccc2", "api", "/rootfs", null, "x", "c", "{}", "no", true,
                List.of(new PortMapping("tcp", 18080, 80)), 1_000))).hasMessage("ports: host port 18080/tcp is already published by service shop-web");
        assertThatThrownBy(() -> ensure("blog", "web", List.of(new PortMapping("tcp", 18080, 80)), 1))
                .hasMessage("ports: host port 18080/tcp is already published by service shop-web");
        ensure("shop", "web", List.of(new PortMapping("tcp", 18081, 80)), 3);
        ensure("blog", "web", List.of(new PortMapping("tcp", 18080, 80)), 1);   // the port moved, the old one is free
        bus.submit(new Command.RemoveService("blog", "web"));
        bus.submit(new Command.CreateContainer("ccccccccccc3", "api", "/rootfs", null, "x", "c", "{}", "no", true,
                List.of(new PortMapping("tcp", 18080, 80)), 1_000));
    }

    @Test
    void a_replica_is_an_endpoint_exactly_as_long_as_its_container() {
        ensure("shop", "web", List.of(), 2);
        replica("aaaaaaaaaaa1", "shop", "web", null);
        replica("aaaaaaaaaaa2", "shop", "web", "standby");
        assertThat(endpoint("shop-web", "aaaaaaaaaaa1").getAdminState()).isEqualTo("active");
        assertThat(endpoint("shop-web", "aaaaaaaaaaa2").getAdminState()).isEqualTo("standby");
        assertThat(endpoint("shop-web", "aaaaaaaaaaa1").getIpAddress()).isEqualTo("10.42.0.2");

        int changed = bus.submit(new Command.SetEndpointStates("shop-web", Map.of("aaaaaaaaaaa1", "draining", "aaaaaaaaaaa2", "active"), 2_000));
        assertThat(changed).as("a switch is one command").isEqualTo(2);
        assertThat(endpoint("shop-web", "aaaaaaaaaaa1").getAdminState()).isEqualTo("draining");
        assertThatThrownBy(() -> bus.submit(new Command.SetEndpointStates("shop-web", Map.of("aaaaaaaaaaa1", "active", "nope", "active"), 3_000)))
                .hasMessage("service shop-web has no endpoint nope");
        assertThat(endpoint("shop-web", "aaaaaaaaaaa1").getAdminState()).as("a refused command changes nothing").isEqualTo("draining");
        assertThatThrownBy(() -> bus.submit(new Command.SetEndpointStates("shop-web", Map.of("aaaaaaaaaaa1", "paused"), 3_000)))
                .hasMessageContaining("must be active, standby or draining");

        bus.submit(new Command.RemoveContainer("aaaaaaaaaaa1"));
        assertThat(endpoint("shop-web", "aaaaaaaaaaa1")).isNull();
        bus.submit(new Command.RemoveService("shop", "web"));
        assertThat(endpoint("shop-web", "aaaaaaaaaaa2")).isNull();
    }

    @Test
    void two_apps_whose_names_join_to_the_same_service_name_cannot_share_it() {
        ensure("my", "shop-web", List.of(), 1);
        assertThatThrownBy(() -> ensure("my-shop", "web", List.of(), 1)).hasMessage("service name my-shop-web is taken by app my, service shop-web: "
                + "rename the app or the service");
    }

    @Test
    void a_service_takes_over_the_port_of_its_own_container_from_before_services() {
        bus.submit(new Command.CreateContainer("legacy000001", "shop-web", "/rootfs", null, "x", "web", "{}", "no", true,
                List.of(new PortMapping("tcp", 18090, 80)), new Command.Workload("shop", "service", "web", "r0", "h0"), 1_000, null));
        assertThatThrownBy(() -> ensure("blog", "web", List.of(new PortMapping("tcp", 18090, 80)), 1)).hasMessageContaining("container shop-web");
        assertThat(ensure("shop", "web", List.of(new PortMapping("tcp", 18090, 80)), 2)).isNotNull();
    }

    @Test
    void the_replica_count_is_bounded_by_the_vips_64_backends() {
        assertThatThrownBy(() -> ensure("shop", "web", List.of(), 65)).hasMessage("replicas must be 1-64, got 65");
    }
}
