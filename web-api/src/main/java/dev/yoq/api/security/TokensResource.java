package dev.yoq.api.security;

import dev.yoq.api.Callers;
import dev.yoq.security.SecurityException;
import dev.yoq.security.TokenService;
import jakarta.ejb.EJB;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /v1/tokens}: named API tokens with scopes. Outside spec §2.1's table, so managing tokens needs {@code *}:
 * no token can make itself a stronger one.
 */
@Path("v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
public class TokensResource {

    @EJB
    TokenService tokens;

    @Context
    HttpServletRequest request;

    @GET
    @Operation(summary = "Tokens: [{name,scopes,status,created_at,expires_at,revoked_at}] (never their secrets)")
    public JsonArray list() {
        long now = System.currentTimeMillis();
        JsonArrayBuilder all = Json.createArrayBuilder();
        for (TokenService.TokenInfo t : tokens.list()) {
            JsonArrayBuilder scopes = Json.createArrayBuilder();
            t.scopes().forEach(scopes::add);
            JsonObjectBuilder o = Json.createObjectBuilder().add("name", t.name()).add("scopes", scopes).add("status", t.status(now))
                    .add("created_at", t.createdAt() / 1000);
            if (t.expiresAt() == null) o.addNull("expires_at"); else o.add("expires_at", t.expiresAt() / 1000);
            if (t.revokedAt() == null) o.addNull("revoked_at"); else o.add("revoked_at", t.revokedAt() / 1000);
            all.add(o);
        }
        return all.build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a token: {name, scopes:[...], ttl?: \"30d\"} -> {name,scopes,token} (the token is shown once)")
    public Response create(JsonObject body) {
        if (!(body.get("name") instanceof JsonString name)) throw new SecurityException(SecurityException.Kind.INVALID, "name: missing");
        List<String> scopes = new ArrayList<>();
        if (body.get("scopes") instanceof jakarta.json.JsonArray a) {
            for (JsonValue v : a) {
                if (!(v instanceof JsonString s)) throw new SecurityException(SecurityException.Kind.INVALID, "scopes: must be strings");
                scopes.add(s.getString());
            }
        } else if (body.get("scopes") != null) {
            throw new SecurityException(SecurityException.Kind.INVALID, "scopes: must be a list of strings");
        }
        Long ttl = null;
        if (body.get("ttl") instanceof JsonString t) ttl = ttlMillis(t.getString());
        else if (body.containsKey("ttl") && body.get("ttl") != JsonValue.NULL) throw new SecurityException(SecurityException.Kind.INVALID, "ttl: must be like 30d, 12h, 15m or 60s");
        TokenService.Created c = tokens.create(name.getString(), scopes, ttl, Callers.actor(request));
        JsonArrayBuilder granted = Json.createArrayBuilder();
        c.scopes().forEach(granted::add);
        JsonObjectBuilder o = Json.createObjectBuilder().add("name", c.name()).add("scopes", granted).add("token", c.token());
        if (c.expiresAt() == null) o.addNull("expires_at"); else o.add("expires_at", c.expiresAt() / 1000);
        return Response.status(201).entity(o.build()).header("Cache-Control", "no-store").build();
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Revoke a token")
    public JsonObject revoke(@PathParam("name") String name) {
        tokens.revoke(name, Callers.actor(request));
        return Json.createObjectBuilder().add("status", "revoked").build();
    }

    /** {@code N[smhd]} (spec §1.7), N from 1 to 36500 days' worth. */
    static long ttlMillis(String ttl) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})([smhd])").matcher(ttl.strip());
        if (!m.matches()) throw new SecurityException(SecurityException.Kind.INVALID, "ttl " + ttl + ": must be like 30d, 12h, 15m or 60s");
        long n = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> 86_400_000L;
        };
        if (n == 0 || n * unit > 36_500L * 86_400_000L) throw new SecurityException(SecurityException.Kind.INVALID, "ttl " + ttl + ": must be from 1s to 36500d");
        return n * unit;
    }
}
