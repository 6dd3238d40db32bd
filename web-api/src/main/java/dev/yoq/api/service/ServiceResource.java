package dev.yoq.api.service;

import dev.yoq.model.ServiceEndpointRecord;
import dev.yoq.model.ServiceRecord;
import dev.yoq.network.NetworkException;
import dev.yoq.service.ServiceRegistry;
import dev.yoq.service.ServiceTables;
import jakarta.ejb.EJB;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code /v1/services} (spec §2.2 "Services, discovery, routing"): the registry, endpoints, drain and removal. Thin. */
@Path("v1/services")
@Produces(MediaType.APPLICATION_JSON)
public class ServiceResource {
    static final java.util.regex.Pattern SEGMENT = java.util.regex.Pattern.compile("[^/'\";\\\\\\x00-\\x1f]{1,256}");

    @EJB
    ServiceRegistry registry;
    @EJB
    dev.yoq.edge.EdgeSync edge;

    @GET
    @Operation(summary = "Every service: name, VIP, lb_policy, published ports, replicas, endpoints")
    public JsonArray list() {
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (ServiceRecord s : registry.list()) out.add(service(s));
        return out.build();
    }

    @GET
    @Path("{name}")
    @Operation(summary = "One service; 404 unknown")
    public JsonObject get(@PathParam("name") String name) {
        return service(registry.get(segment(name)));
    }

    @GET
    @Path("{name}/endpoints")
    @Operation(summary = "The service's endpoints: one per replica, with admin state and whether it takes new flows")
    public JsonArray endpoints(@PathParam("name") String name) {
        return endpoints(registry.get(segment(name)));
    }

    @GET
    @Path("{name}/proxy-routes")
    @Operation(summary = "The service's HTTP routes with yoq-proxy's counters: traffic, backend_traffic, mirror_traffic, mirror_backend_traffic")
    public JsonObject proxyRoutes(@PathParam("name") String name) {
        ServiceRecord s = registry.get(segment(name));
        JsonObject stats = json(edge.stats().toString()).asJsonObject();
        JsonObject perRoute = stats.containsKey("routes") ? stats.getJsonObject("routes") : JsonObject.EMPTY_JSON_OBJECT;
        JsonArrayBuilder routes = Json.createArrayBuilder();
        for (jakarta.json.JsonValue r : routes(s)) {
            JsonObject route = r.asJsonObject();
            JsonObject counters = perRoute.getJsonObject(s.getName() + "/" + route.getString("name", ""));
            JsonObjectBuilder o = Json.createObjectBuilder(route);
            for (String k : new String[] {"traffic", "backend_traffic", "mirror_traffic", "mirror_backend_traffic"}) {
                if (counters != null && counters.containsKey(k)) o.add(k, counters.get(k));
                else o.addNull(k);
            }
            routes.add(o);
        }
        JsonObjectBuilder proxy = Json.createObjectBuilder().add("running", stats.getBoolean("running", false));
        if (stats.containsKey("error")) proxy.add("error", stats.get("error"));
        if (stats.containsKey("status")) proxy.add("status", stats.get("status"));
        return Json.createObjectBuilder().add("service_name", s.getName()).add("routes", routes).add("proxy", proxy).build();
    }

    @POST
    @Path("{name}/reconcile")
    @Operation(summary = "Send the service table to the node's dataplane now")
    public JsonObject reconcile(@PathParam("name") String name) {
        registry.reconcile(segment(name));
        return status("queued");
    }

    @POST
    @Path("{name}/endpoints/{eid}/drain")
    @Operation(summary = "The endpoint takes no new flows and keeps its current ones")
    public JsonObject drain(@PathParam("name") String name, @PathParam("eid") String eid) {
        registry.drain(segment(name), segment(eid));
        return status("draining");
    }

    @DELETE
    @Path("{name}/endpoints/{eid}")
    @Operation(summary = "The endpoint leaves the service: out of the VIP at once, its replica stopped and removed")
    public JsonObject remove(@PathParam("name") String name, @PathParam("eid") String eid) {
        registry.remove(segment(name), segment(eid));
        return status("removed");
    }

    private JsonObject service(ServiceRecord s) {
        JsonArrayBuilder ports = Json.createArrayBuilder();
        ServiceTables.ports(s).forEach(p -> ports.add(Json.createObjectBuilder().add("host_port", p.hostPort())
                .add("container_port", p.containerPort()).add("protocol", p.protocol())));
        return Json.createObjectBuilder().add("service_name", s.getName()).add("app", s.getAppName()).add("service", s.getWorkloadName())
                .add("vip_address", s.getVipAddress()).add("lb_policy", s.getLbPolicy()).add("ports", ports)
                .add("desired_replicas", s.getDesiredReplicas()).add("endpoints", endpoints(s))
                .add(routesKey(s), routes(s)).add("tls_domain", s.getTlsDomain() == null ? jakarta.json.JsonValue.NULL : Json.createValue(s.getTlsDomain()))
                .add("created_at", s.getCreatedAt()).add("updated_at", s.getUpdatedAt()).build();
    }

    /** The routes of the service's current release, as the manifest snapshot writes them. */
    private static JsonArray routes(ServiceRecord s) {
        return json(s.getHttpRoutesJson()).asJsonArray();
    }

    /** http_proxy when the service has its single route named default, http_routes otherwise (as the manifest said). */
    private static String routesKey(ServiceRecord s) {
        JsonArray r = routes(s);
        return r.size() == 1 && "default".equals(r.getJsonObject(0).getString("name", "")) ? "http_proxy" : "http_routes";
    }

    private static jakarta.json.JsonValue json(String text) {
        try (jakarta.json.JsonReader reader = Json.createReader(new java.io.StringReader(text))) {
            return reader.readValue();
        }
    }

    private JsonArray endpoints(ServiceRecord s) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (ServiceRegistry.Endpoint e : registry.endpoints(s)) {
            ServiceEndpointRecord r = e.record();
            JsonObjectBuilder o = Json.createObjectBuilder().add("endpoint_id", r.getEndpointId()).add("container_id", r.getContainerId());
            if (e.container() != null) o.add("container_name", e.container().getName()).add("hostname", e.container().getHostname())
                    .add("status", e.container().getStatus());
            o.addNull("node_id").add("ip_address", r.getIpAddress()).add("port", r.getPort()).add("weight", r.getWeight())
                    .add("admin_state", r.getAdminState()).add("generation", r.getGeneration());
            if (e.health() == null) o.addNull("health");
            else o.add("health", e.health());
            out.add(o.add("eligible", e.eligible()).add("registered_at", r.getRegisteredAt()).add("last_seen_at", r.getLastSeenAt()));
        }
        return out.build();
    }

    private static String segment(String s) {
        if (s == null || !SEGMENT.matcher(s).matches()) throw new NetworkException(NetworkException.Kind.INVALID, "invalid service or endpoint name");
        return s;
    }

    private static JsonObject status(String s) {
        return Json.createObjectBuilder().add("status", s).build();
    }
}
