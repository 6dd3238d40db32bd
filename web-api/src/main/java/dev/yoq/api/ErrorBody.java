package dev.yoq.api;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The original's error shape, {@code {"error":"<message>"}}, with an optional machine-readable {@code code}
 * (omitted when null).
 */
@JsonbPropertyOrder({"error", "code"})
public record ErrorBody(String error, String code) {

    public static Response response(int status, String error, String code) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(error, code))
                .build();
    }

    /** The same body for places that write the response themselves (servlet filters). */
    public String toJson() {
        JsonObjectBuilder body = Json.createObjectBuilder().add("error", error);
        if (code != null) {
            body.add("code", code);
        }
        return body.build().toString();
    }
}
