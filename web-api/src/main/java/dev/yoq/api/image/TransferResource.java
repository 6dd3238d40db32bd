package dev.yoq.api.image;

import dev.yoq.image.TransferProgress;
import dev.yoq.image.Transfers;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code GET /transfers/{id}}: how far a pull or push started with that progress_id has got (yoq's route). */
@Path("transfers")
@Produces(MediaType.APPLICATION_JSON)
public class TransferResource {

    @GET
    @Path("{id}")
    @Operation(summary = "Progress of a pull or push: per-blob bytes and states; kept a minute after the end")
    public JsonObject get(@PathParam("id") String id) {
        TransferProgress.View v = Transfers.view(id);
        JsonArrayBuilder blobs = Json.createArrayBuilder();
        for (TransferProgress.BlobView b : v.blobs()) {
            blobs.add(Json.createObjectBuilder().add("digest", b.digest()).add("size", b.size()).add("done", b.done()).add("state", b.state()));
        }
        JsonObjectBuilder out = Json.createObjectBuilder().add("id", v.id()).add("kind", v.kind()).add("reference", v.reference())
                .add("state", v.state()).add("started_at_ms", v.startedAtMs()).add("elapsed_ms", v.elapsedMs())
                .add("total_bytes", v.totalBytes()).add("done_bytes", v.doneBytes()).add("blobs", blobs);
        if (v.error() != null) out.add("error", v.error());
        return out.build();
    }
}
