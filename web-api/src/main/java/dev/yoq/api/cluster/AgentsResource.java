package dev.yoq.api.cluster;

import dev.yoq.api.ErrorBody;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /agents*} (spec §2.2, §7.2 row 25): outside a cluster the list is empty and everything else answers
 * {@code 400 {"error":"not running in cluster mode"}} (an agent id is checked first: lowercase hex, at most 64
 * characters, else {@code 400 invalid agent id}).
 */
@Path("agents")
@Produces(MediaType.APPLICATION_JSON)
public class AgentsResource {
    static final Pattern AGENT_ID = Pattern.compile("[0-9a-f]{1,64}");

    @GET
    @Operation(summary = "The cluster's agents; [] outside a cluster")
    public JsonArray agents() {
        return Json.createArrayBuilder().build();
    }

    @POST
    @Path("register")
    @Operation(summary = "Register an agent (cluster only)")
    public Response register() {
        return notClustered();
    }

    @POST
    @Path("{id}/{action: heartbeat|drain}")
    @Operation(summary = "An agent's heartbeat, or drain it (cluster only)")
    public Response agentAction(@PathParam("id") String id) {
        return checked(id);
    }

    @GET
    @Path("{id}/assignments")
    @Operation(summary = "An agent's assignments (cluster only)")
    public Response assignments(@PathParam("id") String id) {
        return checked(id);
    }

    @POST
    @Path("{id}/assignments/{aid}/status")
    @Operation(summary = "Report an assignment's status (cluster only)")
    public Response assignmentStatus(@PathParam("id") String id) {
        return checked(id);
    }

    @PUT
    @Path("{id}/labels")
    @Operation(summary = "Set an agent's labels (cluster only)")
    public Response labels(@PathParam("id") String id) {
        return checked(id);
    }

    private Response checked(String id) {
        if (!AGENT_ID.matcher(id).matches()) return ErrorBody.response(400, "invalid agent id", null);
        return notClustered();
    }

    static Response notClustered() {
        return ErrorBody.response(400, ClusterResource.NOT_CLUSTERED, null);
    }
}
