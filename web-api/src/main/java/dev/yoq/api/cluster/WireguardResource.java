package dev.yoq.api.cluster;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code GET /wireguard/peers}: the overlay's peers; [] outside a cluster (spec §7.2 row 25). */
@Path("wireguard")
@Produces(MediaType.APPLICATION_JSON)
public class WireguardResource {
    @GET
    @Path("peers")
    @Operation(summary = "The WireGuard peers; [] outside a cluster")
    public JsonArray peers() {
        return Json.createArrayBuilder().build();
    }
}
