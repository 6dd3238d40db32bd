package dev.yoq.api.network;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.yoq.network.PolicyService;
import dev.yoq.node.protocol.MessageCodec;
import dev.yoq.node.protocol.NetworkPolicy;
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
 * {@code /v1/node/cluster-policies}: the cluster's network policies this node enforces beside its own. {@code yoq
 * join} PUTs what the servers answer every cycle (an agent node holds no replicated rules); node-local, in memory.
 */
@Path("v1/node/cluster-policies")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterPoliciesResource {
    @EJB
    PolicyService policies;

    @GET
    @Operation(summary = "The cluster's network policies this node enforces: [{source, target, action}]")
    public String list() throws com.fasterxml.jackson.core.JsonProcessingException {
        return MessageCodec.SHARED.mapper().writeValueAsString(policies.clusterRules());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Enforce these cluster policies from now on: [{source, target, action}]; answers {policies: n}")
    public Map<String, Object> replace(JsonArray body) {
        return Map.of("policies", policies.setClusterRules(
                ClusterServicesResource.read(body, new TypeReference<List<NetworkPolicy>>() {}, "cluster policies")));
    }
}
