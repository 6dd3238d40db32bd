package dev.yoq.api.image;

import dev.yoq.image.ImageConfig;
import dev.yoq.image.ImageException;
import dev.yoq.image.ImageService;
import dev.yoq.image.ImageView;
import jakarta.ejb.EJB;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code /images}: the spec's list and delete, plus yoq's pull and inspect. Thin: parse, call, shape. */
@Path("images")
@Produces(MediaType.APPLICATION_JSON)
public class ImageResource {

    @EJB
    ImageService images;

    @GET
    @Operation(summary = "Images on this node")
    public jakarta.json.JsonArray list() {
        JsonArrayBuilder all = Json.createArrayBuilder();
        images.list().forEach(i -> all.add(json(i)));
        return all.build();
    }

    @POST
    @Path("pull")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Pull an image: body {\"reference\":\"busybox:latest\"}, optional insecure (plain HTTP), platform "
            + "(os/arch[/variant]) and progress_id (then GET /transfers/{id} shows its progress) (yoq's route)")
    public JsonObject pull(JsonObject body) {
        if (!(body.get("reference") instanceof JsonString ref)) {
            throw new ImageException(ImageException.Kind.INVALID, "reference: must be a string");
        }
        return json(images.pull(ref.getString(), options(body)));
    }

    static ImageService.TransferOptions options(JsonObject body) {
        JsonValue insecure = body.get("insecure");
        if (insecure != null && insecure != JsonValue.TRUE && insecure != JsonValue.FALSE) {
            throw new ImageException(ImageException.Kind.INVALID, "insecure: must be true or false");
        }
        return new ImageService.TransferOptions(insecure == JsonValue.TRUE, optionalText(body, "platform"), optionalText(body, "progress_id"));
    }

    private static String optionalText(JsonObject body, String key) {
        JsonValue v = body.get(key);
        if (v == null || v == JsonValue.NULL) return null;
        if (v instanceof JsonString s) return s.getString();
        throw new ImageException(ImageException.Kind.INVALID, key + ": must be a string");
    }

    @POST
    @Path("push")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Push a stored image: body {\"source\":\"…\",\"target\":\"…\"} (target, insecure, progress_id optional; yoq's route)")
    public JsonObject push(JsonObject body) {
        if (!(body.get("source") instanceof JsonString source)) {
            throw new ImageException(ImageException.Kind.INVALID, "source: must be a string");
        }
        var p = images.push(source.getString(), optionalText(body, "target"), options(body));
        return Json.createObjectBuilder().add("manifest_digest", p.manifestDigest()).add("uploaded", p.uploaded())
                .add("mounted", p.mounted()).add("skipped", p.skipped()).build();
    }

    @POST
    @Path("prune")
    @Operation(summary = "Delete blobs and unpacked layers no image or container uses (yoq's route)")
    public JsonObject prune() {
        var p = images.prune();
        return Json.createObjectBuilder().add("blobs_removed", p.blobsRemoved()).add("layers_removed", p.layersRemoved())
                .add("bytes_reclaimed", p.bytesReclaimed()).build();
    }

    @GET
    @Path("{ref: .+}")
    @Operation(summary = "One image, by id or reference (yoq's route)")
    public JsonObject get(@PathParam("ref") String ref) {
        return json(images.get(ref));
    }

    @DELETE
    @Path("{ref: .+}")
    @Operation(summary = "Untag an image (by id or reference); refused while a container uses it")
    public JsonObject remove(@PathParam("ref") String ref) {
        images.remove(ref);
        return Json.createObjectBuilder().add("status", "removed").build();
    }

    static JsonObject json(ImageView i) {
        ImageConfig c = i.config();
        JsonObjectBuilder labels = Json.createObjectBuilder();
        c.labels().forEach(labels::add);
        return Json.createObjectBuilder().add("id", i.id()).add("reference", i.reference()).add("repository", i.repository())
                .add("tag", i.tag()).add("manifest_digest", i.manifestDigest()).add("config_digest", i.configDigest())
                .add("size", i.sizeBytes()).add("size_bytes", i.sizeBytes()).add("layers", i.layers())
                .add("layer_digests", Json.createArrayBuilder(i.layerDigests())).add("created_at", i.createdAt())
                .add("platform", c.platform()).add("created", c.created()).add("entrypoint", Json.createArrayBuilder(c.entrypoint()))
                .add("cmd", Json.createArrayBuilder(c.cmd())).add("env", Json.createArrayBuilder(c.env()))
                .add("workdir", c.workingDir()).add("user", c.user()).add("stop_signal", c.stopSignal())
                .add("exposed_ports", Json.createArrayBuilder(c.exposedPorts())).add("labels", labels).build();
    }

    /** {@code POST /registries/login} lives here too: it is the images' business. */
    @Path("/registries")
    public static class Registries {
        @EJB
        ImageService images;

        @POST
        @Path("login")
        @Consumes(MediaType.APPLICATION_JSON)
        @Produces(MediaType.APPLICATION_JSON)
        @Operation(summary = "Check credentials with a registry and keep them for pulls: body {registry, username, password} (yoq's route)")
        public JsonObject login(JsonObject body) {
            images.login(text(body, "registry"), text(body, "username"), text(body, "password"), body.get("insecure") == JsonValue.TRUE);
            return Json.createObjectBuilder().add("status", "logged in").build();
        }

        @POST
        @Path("tags")
        @Consumes(MediaType.APPLICATION_JSON)
        @Produces(MediaType.APPLICATION_JSON)
        @Operation(summary = "A registry repository's tags: body {repository, insecure?} → {repository, tags} (yoq's route)")
        public JsonObject tags(JsonObject body) {
            String repository = text(body, "repository");
            return Json.createObjectBuilder().add("repository", repository == null ? "" : repository)
                    .add("tags", Json.createArrayBuilder(images.tags(repository, body.get("insecure") == JsonValue.TRUE))).build();
        }

        private static String text(JsonObject body, String key) {
            return body.get(key) instanceof JsonString s ? s.getString() : null;
        }
    }
}
