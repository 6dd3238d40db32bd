package dev.yoq.api.cluster;

import dev.yoq.api.ErrorBody;
import dev.yoq.cluster.ClusterInfo;
import dev.yoq.cluster.PeerInfo;
import dev.yoq.cluster.raft.RaftNode;
import dev.yoq.cluster.raft.RaftPeerAddress;
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
 * {@code 400 {"error":"not running in cluster mode"}}. In one, status gives the Raft role, term and leader,
 * peers/info asks every server, and step-down hands leadership to the next server.
 */
@Path("cluster")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {
    static final String NOT_CLUSTERED = "not running in cluster mode";
    static final long STEP_DOWN_WAIT_MS = 10_000;

    @Inject
    ClusterInfo cluster;
    @jakarta.ejb.EJB
    dev.yoq.cluster.ClusterGossip gossip;

    @GET
    @Path("status")
    @Operation(summary = "This node's Raft role; {\"cluster\":false} outside a cluster")
    public JsonObject status() {
        if (!cluster.clustered()) return Json.createObjectBuilder().add("cluster", false).build();
        RaftNode raft = cluster.raft();
        var body = Json.createObjectBuilder().add("cluster", true).add("id", cluster.nodeId()).add("role", raft.role())
                .add("term", raft.term()).add("peers", cluster.peers().size() - 1);
        RaftPeerAddress leader = raft.leader();
        if (leader != null) body.add("leader_id", leader.id()).add("leader", leader.host() + ":" + cluster.apiPort());
        java.util.Map<String, Integer> members = gossip.summary();   // yoq's addition: this server's SWIM view
        if (members != null) {
            var g = Json.createObjectBuilder();
            members.forEach(g::add);
            body.add("gossip", g);
        }
        return body.build();
    }

    @Inject
    dev.yoq.security.mtls.ServiceCerts serviceCerts;

    @GET
    @Path("ca")
    @Operation(summary = "The service mTLS CA's certificate, never its key: {cert_pem, created_at, not_after} (unix seconds); 404 before it exists")
    public Response ca() {
        var ca = serviceCerts.caView();
        if (ca == null) return ErrorBody.response(404, "no service CA yet: it is made when service mTLS is first used", null);
        return Response.ok(Json.createObjectBuilder().add("cert_pem", ca.certPem()).add("created_at", ca.createdAt() / 1000)
                .add("not_after", ca.notAfter() / 1000).build()).build();
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
        var list = Json.createArrayBuilder();
        for (PeerInfo.Answer a : cluster.peersInfo()) {
            if (!a.reachable()) {
                list.add(Json.createObjectBuilder().add("id", a.id()).add("reachable", 0));
                continue;
            }
            list.add(Json.createObjectBuilder().add("id", a.id()).add("software_version", a.softwareVersion())
                    .add("unix_ms", a.unixMs()).add("reachable", 1));
        }
        return list.build();
    }

    @POST
    @Path("step-down")
    @Operation(summary = "Transfer Raft leadership (cluster only)")
    public Response stepDown() {
        if (!cluster.clustered()) return ErrorBody.response(400, NOT_CLUSTERED, null);
        RaftNode raft = cluster.raft();
        if (raft.isLeader() && raft.stepDown(STEP_DOWN_WAIT_MS)) {
            return Response.ok(Json.createObjectBuilder().add("transferred", true).build()).build();
        }
        String leader = cluster.leaderApiAddress();
        var body = Json.createObjectBuilder().add("transferred", false)
                .add("error", raft.isLeader() ? "no other server took over within " + STEP_DOWN_WAIT_MS + " ms" : "not leader");
        if (leader != null) body.add("leader", leader);
        return Response.status(400).entity(body.build()).build();
    }

    @POST
    @Path("propose")
    @Operation(summary = "Raw Raft proposal (cluster only)")
    public Response propose() {
        if (!cluster.clustered()) return ErrorBody.response(400, NOT_CLUSTERED, null);
        // yoq's log carries typed commands checked by the state machine, never SQL text (see docs/architecture.md)
        return ErrorBody.response(400, "raw proposals are not accepted: yoq's Raft log carries commands, not SQL", null);
    }
}
