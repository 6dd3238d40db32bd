package dev.yoq.api.app;

import dev.yoq.app.AppContainers;
import dev.yoq.app.AppException;
import dev.yoq.manifest.Manifest;
import jakarta.ejb.EJB;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /v1/node/volumes}: readies an app's named volume on this node (a local directory made, an NFS export
 * mounted, a host path checked) and says where it is. {@code yoq join} calls it before it starts work that mounts
 * the volume, then mounts that path. Node-local: served by any server for its own node.
 */
@Path("v1/node/volumes")
@Produces(MediaType.APPLICATION_JSON)
public class NodeVolumesResource {
    @EJB
    AppContainers containers;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ready the volume {app, name, driver, path?, server?, options?} on this node; answers {path}")
    public Map<String, Object> ready(JsonObject body) {
        String app = text(body, "app", true), name = text(body, "name", true);
        Manifest.VolumeDecl v = new Manifest.VolumeDecl(name, text(body, "driver", true), text(body, "path", false),
                text(body, "server", false), text(body, "options", false));
        return Map.of("path", containers.volume(app, v).toString());
    }

    private static String text(JsonObject body, String key, boolean required) {
        if (!body.containsKey(key) || body.isNull(key)) {
            if (required) throw new AppException(AppException.Kind.INVALID, key + " is required");
            return null;
        }
        if (!(body.get(key) instanceof JsonString s)) throw new AppException(AppException.Kind.INVALID, key + ": must be a string");
        return s.getString();
    }
}
