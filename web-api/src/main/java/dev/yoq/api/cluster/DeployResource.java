package dev.yoq.api.cluster;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code POST /deploy}: the original's legacy apply, cluster only (spec §7.2 row 25). */
@Path("deploy")
@Produces(MediaType.APPLICATION_JSON)
public class DeployResource {
    @POST
    @Operation(summary = "Legacy apply (cluster only)")
    public Response deploy() {
        return AgentsResource.notClustered();
    }
}
