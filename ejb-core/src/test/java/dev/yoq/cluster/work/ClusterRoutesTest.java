package dev.yoq.cluster.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.edge.ProxyConfigs;
import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.ManifestLoader;
import dev.yoq.model.ServiceRecord;
import dev.yoq.node.protocol.ServiceVip;
import dev.yoq.server.ServerSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster's HTTP routes, from the servers' manifests to a node's yoq-proxy configuration. */
class ClusterRoutesTest {
    static Manifest shop() throws Exception {
        return ManifestLoader.parse("""
                app = "shop"
                [service.api]
                image = "reg/api:1"
                ports = ["8081:8080"]
                [service.api.http_proxy]
                host = "shop.example"
                path_prefix = "/api"
                [service.worker]
                image = "reg/w:1"
                [service.canary]
                image = "reg/api:2"
                ports = ["8082:9090"]
                """, "m.toml", "x", k -> null).manifest();
    }

    @Test
    void every_service_with_a_port_is_listed_with_its_container_port_and_routes() throws Exception {
        List<ClusterRoutes.Route> routes = ClusterRoutes.of(Map.of("shop", shop()), OWNERS);
        assertThat(routes).extracting(ClusterRoutes.Route::name).containsExactly("shop-api", "shop-canary");
        assertThat(routes.get(0).port()).isEqualTo(8080);
        assertThat(routes.get(0).httpRoutes()).contains("\"host\":\"shop.example\"").contains("\"path_prefix\":\"/api\"");
        assertThat(routes.get(1).httpRoutes()).isEqualTo("[]");
        assertThat(ClusterRoutes.of(Map.of("my_shop", shop()), OWNERS)).as("no VIP of its own: not routed").isEmpty();
        assertThat(ClusterRoutes.of(Map.of("my_shop", shop()), Map.of("my_shop-api", List.of("my_shop", "api"))))
                .as("a name no node takes").isEmpty();
    }

    /** The VIP rows' owners: shop's services. */
    static final Map<String, List<String>> OWNERS = Map.of("shop-api", List.of("shop", "api"), "shop-canary", List.of("shop", "canary"),
            "shop-worker", List.of("shop", "worker"));

    @Test
    void of_two_apps_whose_names_meet_only_the_vips_owner_is_routed() throws Exception {
        Manifest a = ManifestLoader.parse("app = \"a\"\n[service.b-c]\nimage = \"r/x:1\"\nports = [\"81:80\"]\n", "m.toml", "x", k -> null).manifest();
        Manifest ab = ManifestLoader.parse("app = \"a-b\"\n[service.c]\nimage = \"r/x:1\"\nports = [\"82:80\"]\n", "m.toml", "x", k -> null).manifest();
        List<ClusterRoutes.Route> routes = ClusterRoutes.of(new java.util.TreeMap<>(Map.of("a", a, "a-b", ab)), Map.of("a-b-c", List.of("a-b", "c")));
        assertThat(routes).singleElement().satisfies(r -> assertThat(r.app()).isEqualTo("a-b"));
        assertThat(ClusterRoutes.checked(routes)).hasSize(1);
    }

    @Test
    void a_node_takes_routes_only_well_formed() {
        assertThat(ClusterRoutes.checked(List.of(new ClusterRoutes.Route("shop-api", "shop", "api", 8080, "[]")))).hasSize(1);
        assertThatThrownBy(() -> ClusterRoutes.checked(List.of(new ClusterRoutes.Route("shop-api", "shop", "web", 8080, "[]"))))
                .hasMessageContaining("[0].app, .workload");
        assertThatThrownBy(() -> ClusterRoutes.checked(List.of(new ClusterRoutes.Route("shop-api", "shop", "api", 0, "[]"))))
                .hasMessageContaining("[0].port");
        assertThatThrownBy(() -> ClusterRoutes.checked(List.of(new ClusterRoutes.Route("shop-api", "shop", "api", 80, "{}"))))
                .hasMessageContaining("[0].http_routes: not an array");
        assertThatThrownBy(() -> ClusterRoutes.checked(List.of(new ClusterRoutes.Route("shop-api", "shop", "api", 80, "[]"),
                new ClusterRoutes.Route("shop-api", "shop", "api", 80, "[]")))).hasMessageContaining("[1].name");
        assertThatThrownBy(() -> ClusterRoutes.checked(java.util.Arrays.asList((ClusterRoutes.Route) null))).hasMessageContaining("[0]: not a route");
    }

    @Test
    void the_proxy_routes_to_the_replicas_on_other_nodes_and_a_nodes_own_service_keeps_its_name() throws Exception {
        List<ClusterRoutes.Route> routes = ClusterRoutes.of(Map.of("shop", shop()), OWNERS);
        ServiceRecord own = new ServiceRecord("shop-canary", "shop", "canary", "10.253.0.2", 1);
        List<ServiceRecord> services = new java.util.ArrayList<>(List.of(own));
        services.addAll(ProxyConfigs.clusterServices(routes, services));
        List<ServiceVip> table = List.of(new ServiceVip("shop-api", List.of(), "10.43.255.254", List.of(), List.of("10.42.2.5", "10.42.3.7"), List.of()));
        JsonNode config = ProxyConfigs.build(services, table, List.of(), Map.of(), ServerSettings.Edge.DEFAULTS);
        assertThat(config.path("upstreams").path("shop-api").toString()).isEqualTo("[\"10.42.2.5:8080\",\"10.42.3.7:8080\"]");
        assertThat(config.path("routes").get(0).path("host").asText()).isEqualTo("shop.example");
        assertThat(config.path("routes").get(0).path("service").asText()).isEqualTo("shop-api");
        assertThat(services).filteredOn(s -> s.getName().equals("shop-canary")).containsExactly(own);
    }
}
