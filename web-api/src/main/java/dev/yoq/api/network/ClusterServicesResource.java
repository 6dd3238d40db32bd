package dev.yoq.api.network;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.yoq.network.NetworkException;
import dev.yoq.node.protocol.MessageCodec;
import dev.yoq.node.protocol.ServiceVip;
import dev.yoq.service.ServiceDataplane;
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
 * {@code /v1/node/cluster-services}: the cluster's services this node serves beside its own (VIP, DNS names,
 * replicas on any node). {@code yoq join} PUTs what the servers answer every cycle; node-local, kept in memory.
 */
@Path("v1/node/cluster-services")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterServicesResource {
    @EJB
    ServiceDataplane dataplane;

    @GET
    @Operation(summary = "The cluster's services this node serves: [{name, aliases, vip, ports, backends, members}]")
    public String list() throws com.fasterxml.jackson.core.JsonProcessingException {
        return MessageCodec.SHARED.mapper().writeValueAsString(dataplane.clusterServices());   // the shape PUT takes
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Serve these cluster services from now on: [{name, aliases, vip, ports, backends, members}]; answers {services: n}")
    public Map<String, Object> replace(JsonArray body) {
        return Map.of("services", dataplane.setClusterServices(read(body, new TypeReference<List<ServiceVip>>() {}, "cluster services")));
    }

    /** A node table's JSON array in the helper protocol's shape; 400 naming {@code what} and the first problem otherwise. */
    static <T> List<T> read(JsonArray body, TypeReference<List<T>> type, String what) {
        try {
            return MessageCodec.SHARED.mapper().readValue(body.toString(), type);
        } catch (java.io.IOException | IllegalArgumentException e) {
            String m = e.getMessage() == null ? "malformed body" : e.getMessage().lines().findFirst().orElse("malformed body");
            throw new NetworkException(NetworkException.Kind.INVALID, what + ": " + m);
        }
    }
}
