package dev.yoq.api.cluster;

import dev.yoq.cluster.ClusterInfo;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Set;

/**
 * On a cluster server, writes to replicated state are the leader's: a follower answers them with the spec's
 * {@code 400 {"error":"not leader","leader":"ip:apiport"}} so clients retry there. Writes to this node's own
 * state (its containers, images) are served anywhere. Of the app routes a cluster serves apply, rollback, down,
 * rollout control and worker runs (they run on agents); the others are refused on every cluster server for now.
 */
@Provider
@Priority(Priorities.AUTHORIZATION + 10)
public class ClusterWriteFilter implements ContainerRequestFilter {
    /** Routes whose writes change replicated state (paths relative to the API root). */
    static final List<String> REPLICATED_ROUTES = List.of("apps", "v1/policies", "v1/certificates", "v1/tokens", "deploy", "agents");
    static final String APPS_NOT_YET = "not available on a cluster yet: apps are applied (yoq up), rolled back (yoq rollback), "
            + "taken down (yoq down), their rollouts paused, resumed or canceled (yoq rollout) and their workers run (yoq run-worker); "
            + "the legacy deploy route works on a single-node server";
    /** The app writes a cluster serves: apply and rollback (replicas placed on agents), down, rollout control, a worker's run. */
    static final java.util.regex.Pattern ON_AGENTS = java.util.regex.Pattern.compile(
            "apps/apply|apps/[^/]+/(down|rollback)|apps/[^/]+/rollout/(pause|resume|cancel)|apps/[^/]+/workers/[^/]+/run");
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    /** An agent's fetch of its work's secrets changes nothing replicated (its audit entry is the server's own). */
    static final java.util.regex.Pattern AGENT_SECRETS = java.util.regex.Pattern.compile("agents/[^/]+/assignments/[^/]+/secrets");

    @Inject
    ClusterInfo cluster;

    /** What a request may not do here: null when it may, else the refusal. */
    record Refusal(String error, String leader) {}

    static Refusal decide(boolean clustered, boolean leads, String leader, String method, String path) {
        if (!clustered || READS.contains(method)) return null;
        String route = path.startsWith("/") ? path.substring(1) : path;
        if (REPLICATED_ROUTES.stream().noneMatch(r -> under(route, r)) || AGENT_SECRETS.matcher(route).matches()) return null;
        if ((under(route, "apps") && !ON_AGENTS.matcher(route).matches()) || under(route, "deploy")) return new Refusal(APPS_NOT_YET, null);
        if (!leads) return new Refusal("not leader", leader);   // the leader's address only while one is known
        return null;
    }

    /** {@code route} is {@code prefix} or below it (not merely starting with its letters). */
    private static boolean under(String route, String prefix) {
        return route.equals(prefix) || route.startsWith(prefix + "/");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!cluster.clustered()) return;
        Refusal refusal = decide(true, cluster.leads(), cluster.leaderApiAddress(), request.getMethod(),
                request.getUriInfo().getPath());
        if (refusal == null) return;
        JsonObjectBuilder body = Json.createObjectBuilder().add("error", refusal.error());
        if (refusal.leader() != null) body.add("leader", refusal.leader());
        request.abortWith(Response.status(400).type(MediaType.APPLICATION_JSON_TYPE).entity(body.build()).build());
    }
}
