package dev.yoq.api.container;

import dev.yoq.api.NumberParams;

import dev.yoq.runtime.ContainerService;
import dev.yoq.runtime.LogReader;
import jakarta.ejb.EJB;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /containers}: the spec's routes (list, get, logs, stop, delete) plus yoq's own for what the original
 * did in-process (create and run, restart, wait, exec). Thin: parse, call {@link ContainerService}, shape JSON.
 */
@Path("containers")
@Produces(MediaType.APPLICATION_JSON)
public class ContainerResource {

    @jakarta.ws.rs.core.Context
    jakarta.servlet.http.HttpServletRequest servletRequest;

    @jakarta.inject.Inject
    dev.yoq.api.ApiAudit audit;

    @EJB
    ContainerService containers;

    @GET
    @Operation(summary = "All containers on this node")
    public Response list() {
        JsonArrayBuilder all = Json.createArrayBuilder();
        containers.list().forEach(c -> all.add(ContainerJson.of(c)));
        return Response.ok(all.build()).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create and start a container (yoq's route; the original ran containers in the CLI). "
            + "Body: target (rootfs directory), command[], name, env[], volumes[{source,target,read_only}], "
            + "memory_bytes, pids, cpu_weight, cpus, restart (no|always|on-failure), network, secrets[] and env_secrets[VAR=name] "
            + "(stored secrets by name: files under /run/secrets, variables; needs secrets:read too)")
    public Response run(JsonObject body) {
        dev.yoq.runtime.RunRequest request = ContainerJson.runRequest(body);
        boolean withSecrets = !request.secrets().isEmpty() || !request.envSecrets().isEmpty();
        if (withSecrets && servletRequest != null && !dev.yoq.api.Callers.grants(servletRequest, "secrets:read")) {
            // whoever runs a container with a secret can read it inside: as good as reading the value
            return dev.yoq.api.ErrorBody.response(403, "missing scope: secrets:read", null);
        }
        var view = containers.run(request);
        if (!request.volumes().isEmpty()) {   // a host path into a container is a sensitive act of its own
            audit.record(dev.yoq.api.Callers.actor(servletRequest), "host_path_mount", view.id() + ": " + String.join(", ",
                    request.volumes().stream().map(v -> v.source() + ":" + v.target()).toList()), "ok");
        }
        return Response.status(201).entity(ContainerJson.of(view)).build();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One container")
    public JsonObject get(@PathParam("id") String id) {
        return ContainerJson.of(containers.get(id));
    }

    @GET
    @Path("{id}/logs")
    @Operation(summary = "Captured stdout/stderr: the last `tail` lines, or everything from byte `offset` of the log "
            + "(follow by passing back the returned offset)")
    public JsonObject logs(@PathParam("id") String id, @QueryParam("tail") String tailText, @QueryParam("offset") String offsetText) {
        Long tail = NumberParams.nonNegative("tail", tailText);
        Long offset = NumberParams.nonNegative("offset", offsetText);
        LogReader.Chunk chunk = containers.logs(id, tail == null ? null : (int) Math.min(Integer.MAX_VALUE, tail), offset == null ? 0 : offset);
        return Json.createObjectBuilder().add("logs", chunk.text()).add("offset", chunk.offset()).build();
    }

    @GET
    @Path("{id}/stats")
    @Operation(summary = "Memory and pids in use, and cpu/memory/io pressure (PSI avg10) where the kernel gives it (yoq's route)")
    public JsonObject stats(@PathParam("id") String id) {
        var b = Json.createObjectBuilder();
        containers.stats(id).forEach((k, v) -> {
            if (v instanceof Number n && !(v instanceof Double)) b.add(k, n.longValue());
            else if (v instanceof Number n) b.add(k, n.doubleValue());
        });
        return b.build();
    }

    @POST
    @Path("{id}/stop")
    @Operation(summary = "SIGTERM, then SIGKILL after the grace period")
    public JsonObject stop(@PathParam("id") String id) {
        boolean ended = !containers.stop(id).running();
        return Json.createObjectBuilder().add("status", ended ? "stopped" : "stopping").build();
    }

    @POST
    @Path("{id}/restart")
    @Operation(summary = "Stop if running, then start again (yoq's route)")
    public JsonObject restart(@PathParam("id") String id) {
        return ContainerJson.of(containers.restart(id));
    }

    @POST
    @Path("{id}/wait")
    @Operation(summary = "Wait up to timeout_ms (default 4000, at most 60000) for the container to end (yoq's route)")
    public JsonObject await(@PathParam("id") String id, @QueryParam("timeout_ms") String timeoutText) {
        Long timeoutMs = NumberParams.nonNegative("timeout_ms", timeoutText);
        return ContainerJson.of(containers.await(id, timeoutMs == null ? 4_000 : timeoutMs));
    }

    @POST
    @Path("{id}/exec")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run a command inside the running container (cwd /, empty environment); body {\"command\":[...]} (yoq's route)")
    public JsonObject exec(@PathParam("id") String id, JsonObject body) {
        return ContainerJson.of(containers.exec(id, ContainerJson.strings(body, "command")));
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Remove a container that is not running: its files, log and record")
    public JsonObject remove(@PathParam("id") String id) {
        containers.remove(id);
        return Json.createObjectBuilder().add("status", "removed").build();
    }
}
