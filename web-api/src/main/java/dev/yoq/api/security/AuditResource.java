package dev.yoq.api.security;

import dev.yoq.security.AuditService;
import jakarta.ejb.EJB;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code GET /v1/audit} (spec §2.2): newest first, default 50, at most 500; filters by time, actor and action. */
@Path("v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    @EJB
    AuditService audit;

    @GET
    @Operation(summary = "Audit entries: [{recorded_at,actor,action,target,outcome}]; ?limit=N&since=<epoch s>&actor=&action=")
    public JsonArray list(@QueryParam("limit") Integer limit, @QueryParam("since") Long since, @QueryParam("actor") String actor,
                          @QueryParam("action") String action) {
        if (limit != null && limit < 1) throw new dev.yoq.security.SecurityException(dev.yoq.security.SecurityException.Kind.INVALID, "limit must be at least 1");
        if (since != null && (since < 0 || since > 100_000_000_000L)) throw new dev.yoq.security.SecurityException(dev.yoq.security.SecurityException.Kind.INVALID, "since must be epoch seconds");
        JsonArrayBuilder all = Json.createArrayBuilder();
        for (AuditService.Entry e : audit.list(limit, since == null ? null : since * 1000, blankToNull(actor), blankToNull(action))) {
            JsonObjectBuilder o = Json.createObjectBuilder().add("recorded_at", e.recordedAt() / 1000).add("actor", e.actor())
                    .add("action", e.action());
            if (e.target() == null) o.addNull("target"); else o.add("target", e.target());
            all.add(o.add("outcome", e.outcome()));
        }
        return all.build();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
