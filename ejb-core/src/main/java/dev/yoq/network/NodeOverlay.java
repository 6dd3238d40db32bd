package dev.yoq.network;

import dev.yoq.node.NodeClient;
import dev.yoq.node.protocol.HelperError;
import dev.yoq.node.protocol.HelperException;
import dev.yoq.node.protocol.MessageCodec;
import dev.yoq.node.protocol.OverlaySpec;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This node's WireGuard overlay (spec §5.5), node-local like its containers: {@code yoq join} computes the peers from
 * the cluster's list and hands them here; the node helper makes {@code wg-yoq} match. The answer also says which
 * container subnet this node's server leases from, so {@code join} can tell when it is not the one the cluster
 * routes to this node.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class NodeOverlay {
    @Inject
    dev.yoq.node.NodeConnector node;
    @EJB
    dev.yoq.server.ServerStartup startup;

    /** The helper validates (it is root, and the one that runs the tools); its refusal comes back as a 400. */
    public Map<String, Object> apply(OverlaySpec spec) {
        return call(client -> client.overlay(spec));
    }

    public Map<String, Object> status() {
        return call(NodeClient::overlayStatus);
    }

    private interface Call {
        com.fasterxml.jackson.databind.JsonNode on(NodeClient client) throws IOException;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> call(Call call) {
        Map<String, Object> out = new LinkedHashMap<>();
        try (NodeClient client = node.open()) {
            out.putAll(MessageCodec.SHARED.mapper().convertValue(call.on(client), Map.class));
        } catch (HelperException e) {
            boolean invalid = HelperError.INVALID.equals(e.error().code());
            throw new NetworkException(invalid ? NetworkException.Kind.INVALID : NetworkException.Kind.UNAVAILABLE, e.getMessage());
        } catch (IOException e) {
            throw new NetworkException(NetworkException.Kind.UNAVAILABLE, "the node helper is not answering: " + e.getMessage());
        }
        out.put("container_subnet", startup.settings().names().subnet());
        return out;
    }
}
