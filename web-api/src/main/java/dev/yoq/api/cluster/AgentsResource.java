package dev.yoq.api.cluster;

import dev.yoq.api.ErrorBody;
import dev.yoq.cluster.AgentService;
import dev.yoq.cluster.ClusterInfo;
import dev.yoq.cluster.agent.AgentRegistration;
import dev.yoq.state.Command;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /agents*} (spec §2.2, §5.3, §7.2 rows 25-26). Outside a cluster the list is empty and everything else
 * answers {@code 400 {"error":"not running in cluster mode"}}; an agent id is checked first (lowercase hex, at
 * most 64 characters, else {@code 400 invalid agent id}). On a cluster server: registration with the join token,
 * heartbeats, drain, labels, and the agent's assignments.
 */
@Path("agents")
@Produces(MediaType.APPLICATION_JSON)
public class AgentsResource {

    @jakarta.ws.rs.core.Context
    jakarta.servlet.http.HttpServletRequest servletRequest;
    static final Pattern AGENT_ID = Pattern.compile("[0-9a-f]{1,64}");
    static final Set<String> ASSIGNMENT_STATES = Set.of("running", "stopped", "failed");
    /** An agent's reason is an exit code or an error line: bounded before it is recorded and replicated. */
    static final int MAX_REASON = 1024;
    /** Columns shown only when set (spec: optional ones omitted when null, zero or false). */
    static final Set<String> OPTIONAL = Set.of("agent_api_port", "node_id", "wg_public_key", "overlay_ip", "role", "region",
            "labels", "gpu_count", "gpu_used", "gpu_model", "gpu_vram_mb", "rdma_capable", "required_labels", "ip_address");

    @Inject
    ClusterInfo cluster;
    @EJB
    AgentService agents;
    @EJB
    dev.yoq.security.AgentSecrets agentSecrets;
    @EJB
    dev.yoq.cluster.ClusterGossip gossip;

    @GET
    @Operation(summary = "The cluster's agents; [] outside a cluster")
    public JsonArray list() {
        if (!cluster.clustered()) return JsonValue.EMPTY_JSON_ARRAY;
        return array(agents.list());
    }

    @POST
    @Path("register")
    @Operation(summary = "Register an agent with the join token (cluster only)")
    public Response register(JsonObject body) {
        if (!cluster.clustered()) return notClustered();
        AgentRegistration.Raw raw = new AgentRegistration.Raw(text(body, "address"), number(body, "agent_api_port"),
                number(body, "cpu_cores"), number(body, "memory_mb"), text(body, "wg_public_key"), number(body, "wg_listen_port"),
                text(body, "role"), text(body, "region"), number(body, "gpu_count"), number(body, "gpu_vram_mb"),
                text(body, "gpu_model"), text(body, "labels"));
        AgentService.Registration registration;
        try {
            registration = agents.register(text(body, "token"), raw, System.currentTimeMillis());
        } catch (AgentService.Refused e) {
            return ErrorBody.response(400, e.getMessage(), null);
        }
        Command.AgentRegistered r = registration.result();
        // yoq's addition: the agent's own token for its routes, shown this once
        JsonObjectBuilder out = Json.createObjectBuilder().add("id", r.id()).add("agent_token", registration.agentToken())
                .add("gossip_seeds", Json.createArrayBuilder(gossip.serverSeeds()));
        if (r.nodeId() != null) {
            out.add("node_id", r.nodeId()).add("overlay_ip", r.overlayIp());
            boolean agentRole = "agent".equals(text(body, "role"));
            List<Map<String, Object>> peers = new ArrayList<>(agents.wireguardPeers(agentRole));
            peers.removeIf(p -> r.id().equals(p.get("agent_id")));
            out.add("peers", array(peers));
        }
        return Response.ok(out.build()).build();
    }

    @POST
    @Path("{id}/heartbeat")
    @Operation(summary = "An agent's heartbeat (cluster only)")
    public Response heartbeat(@PathParam("id") String id, JsonObject body) {
        Response bad = checked(id);
        if (bad != null) return bad;
        Command.Heartbeat h = new Command.Heartbeat(id, (int) or0(body, "cpu_cores"), or0(body, "memory_mb"), or0(body, "cpu_used"),
                or0(body, "memory_used_mb"), (int) or0(body, "containers"), (int) or0(body, "gpu_count"), (int) or0(body, "gpu_used"),
                healthOf(text(body, "gpu_health")), System.currentTimeMillis());
        String status = agents.heartbeat(h);
        if (status != null) samples.put(id, replicaSamples(id, body, h.at()), h.at());   // a registered agent's only
        if (status == null) return Response.ok(Json.createObjectBuilder().add("status", "ok").build()).build();
        JsonObjectBuilder out = Json.createObjectBuilder().add("status", status).add("peers_count", cluster.peers().size() - 1);
        String leader = cluster.leaderApiAddress();
        if (leader != null) out.add("leader", leader);
        // yoq's addition: every server, so an agent whose server dies finds the others (not only leaders it was told)
        out.add("servers", Json.createArrayBuilder(cluster.serverApiAddresses()));
        out.add("gossip_seeds", Json.createArrayBuilder(gossip.serverSeeds()));
        return Response.ok(out.build()).build();
    }

    @POST
    @Path("{id}/drain")
    @Operation(summary = "Drain an agent: nothing new is placed on it (cluster only)")
    public Response drain(@PathParam("id") String id) {
        Response bad = known(id);
        if (bad != null) return bad;
        return Response.ok(Json.createObjectBuilder().add("status", agents.drain(id, dev.yoq.api.Callers.actor(servletRequest), System.currentTimeMillis())).build()).build();
    }

    @GET
    @Path("{id}/assignments")
    @Operation(summary = "The work placed on an agent (cluster only)")
    public Response assignments(@PathParam("id") String id) {
        Response bad = checked(id);
        if (bad != null) return bad;
        return Response.ok(assignmentsJson(agents.assignments(id), agentSecrets::versions)).build();
    }

    /**
     * The values of the secrets an assignment's work names, each sealed to {@code public_key} (the agent's own HPKE
     * key, docs/security.md): {@code {"secrets":[{"name","version","sealed"}]}}; audited secret_deliver.
     */
    @POST
    @Path("{id}/assignments/{aid}/secrets")
    @Operation(summary = "An assignment's secrets, sealed to the agent's key (cluster only)")
    public Response assignmentSecrets(@PathParam("id") String id, @PathParam("aid") String aid, JsonObject body) {
        Response bad = checked(id);
        if (bad != null) return bad;
        if (!dev.yoq.api.Callers.JOIN_TOKEN.equals(dev.yoq.api.Callers.actor(servletRequest))) {
            // values leave a server only sealed to the agent that runs the work, never to an operator's key
            return ErrorBody.response(403, "an assignment's secrets are given to its agent only (its own token)", null);
        }
        String key = text(body, "public_key");
        if (key == null || key.length() > dev.yoq.security.AgentSealing.MAX_PUBLIC_KEY_CHARS) {
            return ErrorBody.response(400, "public_key: missing, or longer than " + dev.yoq.security.AgentSealing.MAX_PUBLIC_KEY_CHARS + " characters", null);
        }
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (dev.yoq.security.AgentSecrets.Sealed s : agentSecrets.sealFor(id, aid, key, System.currentTimeMillis())) {
            out.add(Json.createObjectBuilder().add("name", s.name()).add("version", s.version())
                    .add("sealed", java.util.Base64.getEncoder().encodeToString(s.sealed())));
        }
        return Response.ok(Json.createObjectBuilder().add("secrets", out).build()).build();
    }

    @POST
    @Path("{id}/assignments/{aid}/status")
    @Operation(summary = "Report an assignment's status (cluster only)")
    public Response assignmentStatus(@PathParam("id") String id, @PathParam("aid") String aid, JsonObject body) {
        Response bad = checked(id);
        if (bad != null) return bad;
        if (!ASSIGNMENT_STATES.contains(String.valueOf(text(body, "status")))) return ErrorBody.response(400, "invalid status value", null);
        String reason = text(body, "reason");
        if (reason != null && reason.length() > MAX_REASON) return ErrorBody.response(400, "reason too long (at most " + MAX_REASON + " characters)", null);
        String ip = text(body, "ip");
        if (body != null && body.containsKey("ip") && !dev.yoq.node.protocol.NodeNames.isIpv4(ip)) {
            return ErrorBody.response(400, "ip: not an IPv4 address", null);
        }
        boolean placedHere = agents.assignments(id).stream().anyMatch(a -> aid.equals(a.get("id")));
        if (!placedHere) return ErrorBody.response(404, "no such assignment on agent " + id, null);
        String recorded = agents.report(id, aid, text(body, "status"), reason, ip);
        return Response.ok(Json.createObjectBuilder().add("ok", true).add("status", recorded).build()).build();
    }

    /**
     * yoq's addition: the cluster's services, each with its VIP, DNS names and the replicas running behind it on any
     * node; an agent hands it to its node's server, whose dataplane serves it beside the node's own services.
     */
    @GET
    @Path("{id}/services")
    @Operation(summary = "The cluster's services with their VIPs and running replicas (cluster only)")
    public Response services(@PathParam("id") String id) {
        Response bad = known(id);   // the whole cluster's table: for a registered agent (or the API token) only
        if (bad != null) return bad;
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (dev.yoq.node.protocol.ServiceVip s : agents.services()) {
            JsonArrayBuilder ports = Json.createArrayBuilder();
            s.ports().forEach(p -> ports.add(Json.createObjectBuilder().add("protocol", p.protocol()).add("host_port", p.hostPort())
                    .add("container_port", p.containerPort())));
            out.add(Json.createObjectBuilder().add("name", s.name()).add("aliases", Json.createArrayBuilder(s.aliases()))
                    .add("vip", s.vip()).add("ports", ports).add("backends", Json.createArrayBuilder(s.backends()))
                    .add("members", Json.createArrayBuilder(s.members())));
        }
        return Response.ok(out.build()).build();
    }

    @EJB
    dev.yoq.network.PolicyService policies;

    /** yoq's addition: the cluster's network policies, which an agent hands to its node's server to enforce there too. */
    @GET
    @Path("{id}/policies")
    @Operation(summary = "The cluster's network policies, [{source, target, action}] (cluster only)")
    public Response policies(@PathParam("id") String id) {
        Response bad = known(id);   // the whole cluster's table: for a registered agent (or the API token) only
        if (bad != null) return bad;
        JsonArrayBuilder out = Json.createArrayBuilder();
        policies.list().forEach(p -> out.add(Json.createObjectBuilder().add("source", p.source()).add("target", p.target()).add("action", p.action())));
        return Response.ok(out.build()).build();
    }

    /**
     * yoq's addition: the cluster's HTTP routes, each cluster service with a port, its container port and routes; an
     * agent hands them to its node's server, whose yoq-proxy then routes to the service's replicas on any node.
     */
    @GET
    @Path("{id}/routes")
    @Operation(summary = "The cluster's services the edge can route to: [{name, app, workload, port, http_routes}] (cluster only)")
    public Response routes(@PathParam("id") String id) {
        Response bad = known(id);   // the whole cluster's table: for a registered agent (or the API token) only
        if (bad != null) return bad;
        JsonArrayBuilder out = Json.createArrayBuilder();
        agents.routes().forEach(r -> out.add(Json.createObjectBuilder().add("name", r.name()).add("app", r.app()).add("workload", r.workload())
                .add("port", r.port()).add("http_routes", r.httpRoutes())));
        return Response.ok(out.build()).build();
    }

    @PUT
    @Path("{id}/labels")
    @Operation(summary = "Set an agent's labels, k=v,k2=v2 (cluster only)")
    public Response labels(@PathParam("id") String id, JsonObject body) {
        Response bad = known(id);
        if (bad != null) return bad;
        List<String> problems = new ArrayList<>();
        Map<String, String> labels = AgentRegistration.labels(text(body, "labels"), problems);
        if (!problems.isEmpty()) return ErrorBody.response(400, String.join("; ", problems), null);
        agents.setLabels(id, AgentRegistration.labelsCsv(labels));
        return Response.ok(Json.createObjectBuilder().add("ok", true).build()).build();
    }

    private Response checked(String id) {
        if (!AGENT_ID.matcher(id).matches()) return ErrorBody.response(400, "invalid agent id", null);
        return cluster.clustered() ? null : notClustered();
    }

    private Response known(String id) {
        Response bad = checked(id);
        if (bad != null) return bad;
        return agents.status(id) == null ? ErrorBody.response(404, "no such agent: " + id, null) : null;
    }

    static Response notClustered() {
        return ErrorBody.response(400, ClusterResource.NOT_CLUSTERED, null);
    }

    static String healthOf(String health) {
        return health != null && Set.of("healthy", "warning", "unhealthy").contains(health) ? health : "healthy";
    }

    static String text(JsonObject body, String key) {
        if (body == null) return null;
        JsonValue v = body.get(key);
        return v instanceof JsonString s ? s.getString() : null;
    }

    /** A whole number, or null when absent or not one (the rules then name the field). */
    static Long number(JsonObject body, String key) {
        if (body == null) return null;
        JsonValue v = body.get(key);
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) return null;
        try {
            return n.longValueExact();
        } catch (ArithmeticException tooBig) {
            return Long.MAX_VALUE;
        }
    }

    @Inject
    dev.yoq.cluster.AgentSamples samples;

    /**
     * yoq's addition to the heartbeat: {@code replicas}, what the agent measured of each replica's container ({@code
     * id} the assignment, {@code cpu_pct}, {@code memory_bytes}, {@code uptime_secs}, {@code restart_count}); an
     * entry that is not an object with an id is skipped, numbers are clamped.
     */
    static Map<String, dev.yoq.cluster.work.ReplicaSample> replicaSamples(String agentId, JsonObject body, long at) {
        Map<String, dev.yoq.cluster.work.ReplicaSample> out = new java.util.LinkedHashMap<>();
        if (!(body.get("replicas") instanceof jakarta.json.JsonArray replicas)) return out;
        for (JsonValue v : replicas) {
            if (out.size() >= dev.yoq.cluster.AgentSamples.MAX_PER_AGENT) break;
            if (!(v instanceof JsonObject r) || !(r.get("id") instanceof JsonString sid) || !sid.getString().matches("[0-9a-f]{1,64}")) continue;
            Double cpu = r.get("cpu_pct") instanceof JsonNumber n ? Math.max(0, Math.min(n.doubleValue(), 100_000.0)) : null;
            out.put(sid.getString(), new dev.yoq.cluster.work.ReplicaSample(agentId, cpu, Math.min(or0Long(r, "memory_bytes"), 1L << 50),
                    Math.min(or0Long(r, "uptime_secs"), 100L * 365 * 86_400), (int) or0(r, "restart_count"), at));
        }
        return out;
    }

    private static long or0Long(JsonObject body, String key) {
        Long n = number(body, key);
        return n == null ? 0 : Math.max(0, n);
    }

    static long or0(JsonObject body, String key) {
        Long n = number(body, key);
        return n == null ? 0 : Math.max(0, Math.min(n, Integer.MAX_VALUE));
    }

    /**
     * Assignment rows to the spec's shape; the stored run details ({@code env}, {@code cap_add}, {@code cap_drop},
     * {@code user_namespace}, {@code health_check}) become fields of their own, present only when set.
     */
    /** {@code versions}: each secret's version by name, given to an assignment whose work has secrets ({@code secret_versions}). */
    static JsonArray assignmentsJson(List<Map<String, Object>> rows, java.util.function.Function<List<String>, Map<String, String>> versions) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (Map<String, Object> row : rows) {
            Map<String, Object> plain = new java.util.LinkedHashMap<>(row);
            Object details = plain.remove("details");
            JsonObjectBuilder o = Json.createObjectBuilder(array(List.of(plain)).getJsonObject(0));
            if (details instanceof String text && !text.isBlank()) {   // written by the leader from a checked manifest
                try (jakarta.json.JsonReader r = Json.createReader(new java.io.StringReader(text))) {
                    r.readObject().forEach(o::add);
                }
                List<String> secrets = dev.yoq.cluster.work.RunDetails.secrets(text);
                if (!secrets.isEmpty()) o.add("secret_versions", Json.createObjectBuilder(new java.util.LinkedHashMap<String, Object>(versions.apply(secrets))));
            }
            out.add(o);
        }
        return out.build();
    }

    /** Rows to JSON; a column in {@link #OPTIONAL} that is null, zero, false or empty is left out. */
    static JsonArray array(List<Map<String, Object>> rows) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (Map<String, Object> row : rows) {
            JsonObjectBuilder o = Json.createObjectBuilder();
            row.forEach((k, v) -> {
                boolean unset = v == null || (v instanceof Number n && n.longValue() == 0) || "".equals(v);
                if (unset && OPTIONAL.contains(k)) return;
                if (v == null) o.addNull(k);
                else if (v instanceof Number n) o.add(k, n.longValue());
                else if (v instanceof Boolean b) o.add(k, b);
                else o.add(k, v.toString());
            });
            out.add(o);
        }
        return out.build();
    }
}
