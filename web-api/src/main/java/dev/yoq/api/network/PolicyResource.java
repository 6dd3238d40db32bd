package dev.yoq.api.network;

import dev.yoq.network.NetworkException;
import dev.yoq.network.PolicyService;
import dev.yoq.node.protocol.NetworkPolicy;
import jakarta.ejb.EJB;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code /v1/policies} (spec §2): network policy rules between names. Thin: parse, call, shape. */
@Path("v1/policies")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {
    @jakarta.ws.rs.core.Context
    jakarta.servlet.http.HttpServletRequest servletRequest;

    @EJB
    PolicyService policies;

    @GET
    @Operation(summary = "Network policy rules: [{source,target,action}]")
    public JsonArray list() {
        JsonArrayBuilder all = Json.createArrayBuilder();
        for (NetworkPolicy p : policies.list()) {
            all.add(Json.createObjectBuilder().add("source", p.source()).add("target", p.target()).add("action", p.action()));
        }
        return all.build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set a rule: {source,target,action: deny|allow}")
    public JsonObject set(JsonObject body) {
        policies.set(text(body, "source"), text(body, "target"), text(body, "action"), dev.yoq.api.Callers.actor(servletRequest));
        return Json.createObjectBuilder().add("status", "ok").build();
    }

    @DELETE
    @Path("{source}/{target}")
    @Operation(summary = "Remove the rule from source to target")
    public JsonObject remove(@PathParam("source") String source, @PathParam("target") String target) {
        policies.remove(source, target, dev.yoq.api.Callers.actor(servletRequest));
        return Json.createObjectBuilder().add("status", "removed").build();
    }

    private static String text(JsonObject body, String key) {
        if (body.get(key) instanceof JsonString s) return s.getString();
        if (key.equals("action")) throw new NetworkException(NetworkException.Kind.INVALID, "action must be 'deny' or 'allow'");
        throw new NetworkException(NetworkException.Kind.INVALID, key + ": missing");
    }
}
