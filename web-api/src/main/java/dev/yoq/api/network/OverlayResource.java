package dev.yoq.api.network;

import dev.yoq.network.NetworkException;
import dev.yoq.network.NodeOverlay;
import dev.yoq.node.protocol.MessageCodec;
import dev.yoq.node.protocol.OverlaySpec;
import jakarta.ejb.EJB;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /v1/node/overlay}: this node's WireGuard interface. {@code yoq join} PUTs the peers it computed from the
 * cluster's list; GET shows the interface, its public key and each peer's last handshake. Node-local: served by
 * any server for its own node.
 */
@Path("v1/node/overlay")
@Produces(MediaType.APPLICATION_JSON)
public class OverlayResource {
    @EJB
    NodeOverlay overlay;

    @GET
    @Operation(summary = "This node's WireGuard interface: up, public key, addresses, peers with their last handshakes")
    public Map<String, Object> status() {
        return overlay.status();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Make this node's WireGuard interface match {address, listen_port, forward, peers:[{public_key, endpoint, allowed_ips, keepalive}]}; "
            + "without an address only the key is made. Answers the status")
    public Map<String, Object> apply(JsonObject body) {
        OverlaySpec spec;
        try {
            spec = MessageCodec.SHARED.mapper().readValue(body.toString(), OverlaySpec.class);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new NetworkException(NetworkException.Kind.INVALID, "overlay: " + firstLine(e.getMessage()));
        }
        return overlay.apply(spec);
    }

    private static String firstLine(String message) {
        if (message == null) return "malformed body";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
