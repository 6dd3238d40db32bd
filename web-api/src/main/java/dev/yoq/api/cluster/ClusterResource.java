package dev.yoq.api.cluster;

import dev.yoq.api.ErrorBody;
import dev.yoq.cluster.ClusterInfo;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /cluster/*} (spec §2.2 "Cluster and agents"): this server's place in a cluster. Outside one, status is
 * {@code {"cluster":false}}, node-info has id 0, peers/info is empty, and the cluster-only actions answer
 * {@code 400 {"error":"not running in cluster mode"}}.
 */
@Path("cluster")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {
    static final String NOT_CLUSTERED = "not running in cluster mode";

    @Inject
    ClusterInfo cluster;

    @GET
    @Path("status")
    @Operation(summary = "This node's Raft role; {\"cluster\":false} outside a cluster")
    public JsonObject status() {
        return Json.createObjectBuilder().add("cluster", cluster.clustered()).build();
    }

    @GET
    @Path("version")
    @Operation(summary = "Cluster protocol and software version")
    public JsonObject version() {
        return Json.createObjectBuilder().add("protocol_version", ClusterInfo.PROTOCOL_VERSION)
                .add("software_version", cluster.softwareVersion()).build();
    }

    @GET
    @Path("node-info")
    @Operation(summary = "This node's id (0 outside a cluster), clock and version")
    public JsonObject nodeInfo() {
        return Json.createObjectBuilder().add("id", cluster.nodeId()).add("unix_ms", System.currentTimeMillis())
                .add("software_version", cluster.softwareVersion()).build();
    }

    @GET
    @Path("peers/info")
    @Operation(summary = "Every configured peer's node-info; [] outside a cluster")
    public JsonArray peersInfo() {
        return Json.createArrayBuilder().build();
    }

    @POST
    @Path("step-down")
    @Operation(summary = "Transfer Raft leadership (cluster only)")
    public Response stepDown() {
        return ErrorBody.response(400, NOT_CLUSTERED, null);
    }

    @POST
    @Path("propose")
    @Operation(summary = "Raw Raft proposal (cluster only)")
    public Response propose() {
        return ErrorBody.response(400, NOT_CLUSTERED, null);
    }
}
