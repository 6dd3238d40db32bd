package dev.yoq.cluster.work;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.yoq.manifest.AppSnapshot;
import dev.yoq.manifest.Manifest;
import dev.yoq.node.protocol.NetworkPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP routes of apps whose replicas run on agents, for every node's yoq-proxy (the edge): each cluster service
 * with a port, its first container port (where the proxy sends a request, to any replica of the service's VIP
 * table) and its {@code http_routes}/{@code http_proxy} in the shape a single node records them. A route's backends
 * and mirror name services of the same app, which are in the list as long as they have a port. Pure.
 */
public final class ClusterRoutes {
    private ClusterRoutes() {}

    /** Caps on what a node takes: far above a real cluster's, low enough that a bad table cannot swamp the proxy. */
    public static final int MAX_SERVICES = 1024, MAX_ROUTES_JSON = 65_536;

    /** One cluster service the edge can send to: {@code <app>-<service>}, its container port and routes (a JSON array). */
    public record Route(String name, String app, String workload, int port, @JsonProperty("http_routes") String httpRoutes) {}

    /**
     * Every service of each app's serving release (app → manifest) that has a port and owns its cluster VIP ({@code
     * owners}: each {@code <app>-<service>} name with the app and service whose VIP row it is, so that of two apps
     * whose names meet, app {@code a-b} with service {@code c} and app {@code a} with {@code b-c}, only the VIP's owner
     * is routed, to its own replicas), in app and manifest order. What no node would take (routes over
     * {@link #MAX_ROUTES_JSON}, more than {@link #MAX_SERVICES}) is left out, not sent to be refused whole.
     */
    public static List<Route> of(Map<String, Manifest> serving, Map<String, List<String>> owners) {
        List<Route> out = new ArrayList<>();
        serving.forEach((app, m) -> {
            for (Manifest.Service s : m.services()) {
                String name = app + "-" + s.name();
                if (s.ports().isEmpty() || !List.of(app, s.name()).equals(owners.get(name)) || out.size() >= MAX_SERVICES) continue;
                if (!NetworkPolicy.NAME.matcher(name).matches()) continue;   // no node takes it (nor its VIP: ClusterVips)
                String routes = AppSnapshot.routesJson(s.httpRoutes());
                if (routes.length() > MAX_ROUTES_JSON) continue;
                out.add(new Route(name, app, s.name(), (int) s.ports().get(0).containerPort(), routes));
            }
        });
        return out;
    }

    /** {@code routes} as a node takes them, or the first problem naming the entry and field. */
    public static List<Route> checked(List<Route> routes) {
        if (routes.size() > MAX_SERVICES) throw new IllegalArgumentException("at most " + MAX_SERVICES + " services");
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            String at = "[" + i + "]";
            if (r == null) throw new IllegalArgumentException(at + ": not a route");
            if (r.name() == null || !NetworkPolicy.NAME.matcher(r.name()).matches() || !names.add(r.name())) {
                throw new IllegalArgumentException(at + ".name: " + r.name() + " is not a service name (or is listed twice)");
            }
            if (r.app() == null || r.workload() == null || !r.name().equals(r.app() + "-" + r.workload())) {
                throw new IllegalArgumentException(at + ".app, .workload: the name must be <app>-<workload>");
            }
            if (r.port() < 1 || r.port() > 65_535) throw new IllegalArgumentException(at + ".port: " + r.port() + " is not a port");
            String json = r.httpRoutes() == null ? "[]" : r.httpRoutes();
            if (json.length() > MAX_ROUTES_JSON) throw new IllegalArgumentException(at + ".http_routes: longer than " + MAX_ROUTES_JSON + " characters");
            try {
                if (!new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).isArray()) throw new IllegalArgumentException(at + ".http_routes: not an array");
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(at + ".http_routes: not JSON");
            }
        }
        return List.copyOf(routes);
    }
}
