package dev.yoq.api.security;

import dev.yoq.api.Callers;
import dev.yoq.security.SecretService;
import dev.yoq.security.SecurityException;
import jakarta.ejb.EJB;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /v1/secrets} (spec §2.2): names, set, remove, rotate. A value is never returned over the network: the
 * one route that gives it ({@code POST /v1/secrets/{name}/value}, what {@code yoq secret get} calls) answers only a
 * caller on the server's own machine (loopback), as the original's local-only {@code secret get} did.
 */
@Path("v1/secrets")
@Produces(MediaType.APPLICATION_JSON)
public class SecretsResource {

    @EJB
    SecretService secrets;

    @Context
    HttpServletRequest request;

    @GET
    @Operation(summary = "Secret names: [\"a\",\"b\"] (audited secret_list)")
    public JsonArray list() {
        JsonArrayBuilder names = Json.createArrayBuilder();
        secrets.names().forEach(names::add);
        return names.build();
    }

    /** Room for a 1 MiB value as base64, and nothing deep: a secret's body is two strings. */
    private static final com.fasterxml.jackson.databind.ObjectMapper BODY = new com.fasterxml.jackson.databind.ObjectMapper(
            com.fasterxml.jackson.core.JsonFactory.builder().streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxStringLength(2 << 20).maxNestingDepth(4).maxNumberLength(32).build()).build());

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Store a secret: {name, value} (or value_base64 for bytes); sealed before it is stored")
    public Response set(java.io.InputStream body) {
        com.fasterxml.jackson.databind.JsonNode o;
        try {
            o = BODY.readTree(body);
        } catch (java.io.IOException e) {
            if (dev.yoq.api.limits.BodyTooLargeException.in(e)) throw new jakarta.ws.rs.WebApplicationException(e, 413);
            // never Jackson's message: it quotes the text it choked on, which may be the value
            throw new SecurityException(SecurityException.Kind.INVALID, "the body must be a JSON object {\"name\",\"value\"}");
        }
        if (o == null || !o.isObject()) throw new SecurityException(SecurityException.Kind.INVALID, "the body must be a JSON object {\"name\",\"value\"}");
        com.fasterxml.jackson.databind.JsonNode name = o.get("name");
        if (name == null || !name.isTextual()) throw new SecurityException(SecurityException.Kind.INVALID, "name: missing");
        if (name.asText().isEmpty()) throw new SecurityException(SecurityException.Kind.INVALID, "name: empty");
        byte[] value;
        if (o.get("value_base64") != null && o.get("value_base64").isTextual()) {
            try {
                value = Base64.getDecoder().decode(o.get("value_base64").asText());
            } catch (IllegalArgumentException e) {
                throw new SecurityException(SecurityException.Kind.INVALID, "value_base64: not base64");
            }
        } else if (o.get("value") != null && o.get("value").isTextual()) {
            value = o.get("value").asText().getBytes(StandardCharsets.UTF_8);
        } else {
            throw new SecurityException(SecurityException.Kind.INVALID, "value: missing");
        }
        boolean created = secrets.set(name.asText(), value, Callers.actor(request));
        return Response.status(created ? 201 : 200).entity(Json.createObjectBuilder().add("status", "ok").build()).build();
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Remove a secret (GET on this path is 405: values are never returned)")
    public JsonObject remove(@PathParam("name") String name) {
        secrets.remove(name, Callers.actor(request));
        return Json.createObjectBuilder().add("status", "removed").build();
    }

    @POST
    @Path("{name}/rotate")
    @Operation(summary = "Seal the secret again under the current key, with a fresh nonce")
    public JsonObject rotate(@PathParam("name") String name) {
        secrets.rotate(name, Callers.actor(request));
        return Json.createObjectBuilder().add("status", "ok").build();
    }

    @POST
    @Path("_rotate-key")
    @Operation(summary = "A new primary key for secrets.key; every secret sealed again under it")
    public JsonObject rotateKey() {
        int resealed = secrets.rotateKey(Callers.actor(request));
        return Json.createObjectBuilder().add("status", "ok").add("resealed", resealed).build();
    }

    @POST
    @Path("{name}/value")
    @Operation(summary = "The value, to a caller on this machine only (yoq secret get); audited secret_get")
    public Response value(@PathParam("name") String name) {
        if (!loopback(request.getRemoteAddr())) {
            throw new jakarta.ws.rs.ForbiddenException(dev.yoq.api.ErrorBody.response(403,
                    "secret values are given only to a caller on the server's own machine (loopback)", null));
        }
        byte[] v = secrets.value(SecretService.checkName(name));
        var out = Json.createObjectBuilder().add("name", name);
        String text = utf8(v);
        if (text != null) out.add("value", text); else out.add("value_base64", Base64.getEncoder().encodeToString(v));
        return Response.ok(out.build()).header("Cache-Control", "no-store").build();
    }

    static boolean loopback(String address) {
        try {
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String utf8(byte[] v) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(v)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

}
