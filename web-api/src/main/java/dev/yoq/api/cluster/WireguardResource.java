package dev.yoq.api.cluster;

import dev.yoq.cluster.AgentService;
import dev.yoq.cluster.ClusterInfo;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /wireguard/peers[?servers_only=1]}: the overlay's peers as registration recorded them
 * ({@code node_id, agent_id, public_key, endpoint, overlay_ip, container_subnet}); [] outside a cluster.
 */
@Path("wireguard")
@Produces(MediaType.APPLICATION_JSON)
public class WireguardResource {
    @Inject
    ClusterInfo cluster;
    @EJB
    AgentService agents;

    @GET
    @Path("peers")
    @Operation(summary = "The WireGuard peers; [] outside a cluster")
    public JsonArray peers(@QueryParam("servers_only") String serversOnly) {
        if (!cluster.clustered()) return JsonValue.EMPTY_JSON_ARRAY;
        return AgentsResource.array(agents.wireguardPeers("1".equals(serversOnly) || "true".equals(serversOnly)));
    }
}
