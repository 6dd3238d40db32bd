package dev.yoq.api;

import dev.yoq.node.protocol.BuildInfo;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;

/** {@code GET /version}: public, the real version of this build. */
@Path("version")
public class VersionResource {

    public record VersionView(String version) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The version of the running build (public)")
    @SecurityRequirements
    public VersionView version() {
        return new VersionView(BuildInfo.version());
    }
}
