package dev.yoq.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.proxy.config.EdgeConfig.Backend;
import dev.yoq.proxy.config.EdgeConfig.Route;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Route selection as §3.9 orders it (spec test 16), and the rewrite. */
class RouteTableTest {
    static Route route(String service, String name, String host, String prefix, List<String> methods, Map<String, String> headers) {
        return new Route(service, name, host, prefix, null, methods, headers, List.of(new Backend(service, 100)), null, 0,
                0, 0, 0, null, null, 0, 0);
    }

    static Route rewriting(String prefix, String rewrite) {
        return new Route("a-api", "default", "h", prefix, rewrite, List.of(), Map.of(), null, null, 0, 0, 0, 0, null, null, 0, 0);
    }

    @Test
    void the_longest_prefix_wins_and_a_prefix_is_a_plain_string_prefix() {
        RouteTable t = new RouteTable(List.of(route("a-web", "root", "demo.local", "/", List.of(), Map.of()),
                route("a-api", "default", "demo.local", "/api", List.of(), Map.of())));
        assertThat(t.select("demo.local", "/api/x", "GET", h -> null).service()).isEqualTo("a-api");
        assertThat(t.select("demo.local", "/apiary", "GET", h -> null).service()).as("no segment boundary").isEqualTo("a-api");
        assertThat(t.select("demo.local", "/other", "GET", h -> null).service()).isEqualTo("a-web");
    }

    @Test
    void the_host_is_compared_case_insensitively_without_its_port() {
        RouteTable t = new RouteTable(List.of(route("a-web", "root", "demo.local", "/", List.of(), Map.of())));
        assertThat(t.select("DEMO.Local:17080", "/", "GET", h -> null)).isNotNull();
        assertThat(t.select("other.local", "/", "GET", h -> null)).as("no match: 404").isNull();
        assertThat(t.select(null, "/", "GET", h -> null)).isNull();
    }

    @Test
    void equal_prefixes_prefer_more_headers_then_a_narrower_method_set_then_the_first_defined() {
        Route any = route("a-one", "any", "h", "/", List.of(), Map.of());
        Route getPost = route("a-two", "getpost", "h", "/", List.of("GET", "POST"), Map.of());
        Route get = route("a-three", "get", "h", "/", List.of("GET"), Map.of());
        Route header = route("a-four", "canary", "h", "/", List.of(), Map.of("x-env", "canary"));
        Route sameAsAny = route("a-five", "later", "h", "/", List.of(), Map.of());
        RouteTable t = new RouteTable(List.of(any, getPost, get, header, sameAsAny));
        assertThat(t.select("h", "/", "GET", n -> n.equals("x-env") ? "canary" : null)).isSameAs(header);
        assertThat(t.select("h", "/", "GET", n -> null)).isSameAs(get);
        assertThat(t.select("h", "/", "POST", n -> null)).isSameAs(getPost);
        assertThat(t.select("h", "/", "DELETE", n -> null)).as("first defined among equals").isSameAs(any);
        assertThat(t.select("h", "/", "GET", n -> n.equals("x-env") ? "prod" : null)).as("a header value is exact").isSameAs(get);
    }

    @Test
    void methods_are_case_sensitive() {
        RouteTable t = new RouteTable(List.of(route("a-two", "get", "h", "/", List.of("GET"), Map.of())));
        assertThat(t.select("h", "/", "get", n -> null)).isNull();
    }

    @Test
    void rewrite_replaces_the_matched_prefix_and_keeps_the_query() {
        assertThat(RouteTable.rewrite(rewriting("/api", "/"), "/api/users?id=1")).isEqualTo("/users?id=1");
        assertThat(RouteTable.rewrite(rewriting("/api", "/"), "/api")).isEqualTo("/");
        assertThat(RouteTable.rewrite(rewriting("/api", "/v2"), "/api/users")).isEqualTo("/v2/users");
        assertThat(RouteTable.rewrite(rewriting("/api", null), "/api/users")).isEqualTo("/api/users");
    }
}
