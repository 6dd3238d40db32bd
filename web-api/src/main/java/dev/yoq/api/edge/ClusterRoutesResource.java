package dev.yoq.api.edge;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.yoq.cluster.work.ClusterRoutes;
import dev.yoq.edge.EdgeSync;
import dev.yoq.network.NetworkException;
import jakarta.ejb.EJB;
import jakarta.json.JsonArray;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /v1/node/cluster-routes}: the cluster's HTTP routes this node's yoq-proxy serves beside the node's own, to
 * the replicas of each service on any node. {@code yoq join} PUTs what the servers answer every cycle; node-local,
 * kept in memory.
 */
@Path("v1/node/cluster-routes")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterRoutesResource {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @EJB
    EdgeSync edge;

    @GET
    @Operation(summary = "The cluster's routes this node's proxy serves: [{name, app, workload, port, http_routes}]")
    public String list() throws com.fasterxml.jackson.core.JsonProcessingException {
        return JSON.writeValueAsString(edge.clusterRoutes());   // the shape PUT takes
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Serve these cluster routes from now on: [{name, app, workload, port, http_routes}]; answers {routes: n}")
    public Map<String, Object> replace(JsonArray body) {
        try {
            return Map.of("routes", edge.setClusterRoutes(JSON.readValue(body.toString(), new TypeReference<List<ClusterRoutes.Route>>() {})));
        } catch (java.io.IOException | IllegalArgumentException e) {
            String m = e.getMessage() == null ? "malformed body" : e.getMessage().lines().findFirst().orElse("malformed body");
            throw new NetworkException(NetworkException.Kind.INVALID, "cluster routes: " + m);
        }
    }
}
