package dev.yoq.api;

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
        StringBuilder b = new StringBuilder("{\"error\":").append(quote(error));
        if (code != null) {
            b.append(",\"code\":").append(quote(code));
        }
        return b.append('}').toString();
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
