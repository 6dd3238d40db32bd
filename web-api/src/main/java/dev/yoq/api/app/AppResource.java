package dev.yoq.api.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.yoq.app.AppException;
import dev.yoq.app.AppService;
import dev.yoq.app.AppPlanner;
import dev.yoq.model.ReleaseRecord;
import dev.yoq.model.WorkloadRunRecord;
import jakarta.ejb.EJB;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The app routes of spec §2.2 ({@code /apps…}) plus yoq's own down and runs. Thin: parse, call, shape (§2.4). */
@Path("apps")
@Produces(MediaType.APPLICATION_JSON)
public class AppResource {
    @jakarta.ws.rs.core.Context
    jakarta.servlet.http.HttpServletRequest servletRequest;

    @EJB
    AppService apps;

    @POST
    @Path("apply")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Apply an app snapshot (spec §3.18) as a new release; returns when its rollout has finished or stopped")
    public String apply(String snapshot) {
        return ReleaseJson.apply(apps.apply(snapshot, dev.yoq.api.Callers.actor(servletRequest),
                scope -> dev.yoq.api.Callers.grants(servletRequest, scope))).toString();
    }

    @POST
    @Path("dry-run")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "What applying the snapshot would change, changing nothing")
    public String dryRun(String snapshot) {
        AppService.DryRun d = apps.dryRun(snapshot);
        ObjectNode o = ReleaseJson.JSON.createObjectNode().put("app_name", d.app()).put("proposed_manifest_hash", d.proposedHash())
                .put("current_release_id", d.current() == null ? null : d.current().getId())
                .put("current_manifest_hash", d.current() == null ? null : d.current().getManifestHash());
        ObjectNode summary = o.putObject("summary");
        for (String k : new String[] {"create", "update", "delete", "unchanged"}) {
            summary.put(k, d.changes().stream().filter(c -> c.change().equals(k)).count());
        }
        ArrayNode changes = o.putArray("changes");
        for (AppPlanner.Change c : d.changes()) changes.addObject().put("kind", c.kind()).put("name", c.name()).put("change", c.change());
        return o.toString();
    }

    @GET
    @Operation(summary = "The newest release of every app (status views)")
    public String list() {
        ArrayNode out = ReleaseJson.JSON.createArrayNode();
        for (AppService.Status s : apps.apps()) out.add(ReleaseJson.status(s));
        return out.toString();
    }

    @GET
    @Path("{app}/status")
    @Operation(summary = "The app's newest release and the previous successful one")
    public String status(@PathParam("app") String app) {
        return ReleaseJson.status(apps.status(app)).toString();
    }

    @GET
    @Path("{app}/history")
    @Operation(summary = "Every release of the app, newest first")
    public String history(@PathParam("app") String app) {
        ArrayNode out = ReleaseJson.JSON.createArrayNode();
        apps.history(app).forEach(e -> out.add(ReleaseJson.history(e)));
        return out.toString();
    }

    @POST
    @Path("{app}/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Roll back to a release (default: the previous successful one); print: the stored snapshot only")
    public String rollback(@PathParam("app") String app, String body) {
        JsonNode b = parse(body);
        JsonNode id = b.path("release_id");
        if (!id.isMissingNode() && !id.isNull() && !id.isTextual()) throw new AppException(AppException.Kind.INVALID, "invalid release id");
        Object out = apps.rollback(app, id.isTextual() ? id.asText() : null, b.path("print").asBoolean(false), dev.yoq.api.Callers.actor(servletRequest));
        return out instanceof AppService.Release r ? ReleaseJson.apply(r).toString() : (String) out;
    }

    @POST
    @Path("{app}/rollout/{action}")
    @Operation(summary = "pause | resume | cancel the app's active rollout")
    public String rollout(@PathParam("app") String app, @PathParam("action") String action) {
        ReleaseRecord r = apps.control(app, action);
        return ReleaseJson.JSON.createObjectNode().put("app_name", r.getAppName()).put("release_id", r.getId())
                .put("rollout_control_state", r.getControlState()).toString();
    }

    @POST
    @Path("{app}/workers/{name}/run")
    @Operation(summary = "Run a worker of the app's current release once")
    public String runWorker(@PathParam("app") String app, @PathParam("name") String name) {
        WorkloadRunRecord run = apps.runWorker(app, name);
        boolean placed = !"failed".equals(run.getOutcome());
        return ReleaseJson.JSON.createObjectNode().put("app_name", app).put("worker", name).put("placed", placed ? 1 : 0)
                .put("failed", placed ? 0 : 1).put("message", placed ? "worker scheduled" : "worker scheduling failed")
                .put("run_id", run.getId()).put("container_id", run.getContainerId()).put("error", placed ? null : run.getMessage()).toString();
    }

    @GET
    @Path("{app}/runs")
    @Operation(summary = "yoq's own: the newest worker and cron runs of the app (outcome, exit code)")
    public String runs(@PathParam("app") String app) {
        ArrayNode out = ReleaseJson.JSON.createArrayNode();
        for (WorkloadRunRecord w : apps.runs(app)) {
            ObjectNode o = out.addObject().put("id", w.getId()).put("kind", w.getKind()).put("name", w.getName())
                    .put("release_id", w.getReleaseId()).put("container_id", w.getContainerId()).put("outcome", w.getOutcome());
            if (w.getExitCode() == null) o.putNull("exit_code"); else o.put("exit_code", w.getExitCode());
            o.put("message", w.getMessage()).put("started_at", w.getStartedAt() / 1000);
            if (w.getFinishedAt() == null) o.putNull("finished_at"); else o.put("finished_at", w.getFinishedAt() / 1000);
        }
        return out.toString();
    }

    @POST
    @Path("{app}/down")
    @Operation(summary = "yoq's own: stop and remove every container of the app and its cron schedules (releases and volumes stay)")
    public String down(@PathParam("app") String app) {
        return ReleaseJson.JSON.createObjectNode().put("app_name", app).put("removed", apps.down(app)).toString();
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) return ReleaseJson.JSON.createObjectNode();
        try {
            JsonNode n = ReleaseJson.JSON.readTree(body);
            if (!n.isObject()) throw new AppException(AppException.Kind.INVALID, "the body must be a JSON object");
            return n;
        } catch (IOException e) {
            throw new AppException(AppException.Kind.INVALID, "the body is not JSON");
        }
    }
}
