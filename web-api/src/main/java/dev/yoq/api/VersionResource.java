package dev.yoq.api;

import dev.yoq.node.protocol.BuildInfo;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /version}: public, the real version of this build. */
@Path("version")
public class VersionResource {

    public record VersionView(String version) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public VersionView version() {
        return new VersionView(BuildInfo.version());
    }
}
