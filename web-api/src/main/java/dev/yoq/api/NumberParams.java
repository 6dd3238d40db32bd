package dev.yoq.api;

import jakarta.ws.rs.WebApplicationException;

/**
 * Whole-number query parameters ({@code tail}, {@code offset}, {@code timeout_ms}) read from their text: what is
 * not a number in range is a 400 naming the parameter. JAX-RS's own conversion of an {@code Integer} parameter
 * answers 404 for it, as if the route did not exist; the resources take the text and call these.
 */
public final class NumberParams {
    private NumberParams() {}

    private static Long whole(String name, String text) {
        if (text == null) return null;
        try {
            return Long.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw invalid(name, text);
        }
    }

    /** A non-negative whole number: counts, offsets and timeouts. */
    public static Long nonNegative(String name, String text) {
        Long v = whole(name, text);
        if (v != null && v < 0) throw new WebApplicationException(ErrorBody.response(400, name + ": must not be negative, got " + v,
                "invalid_parameter"));
        return v;
    }

    private static WebApplicationException invalid(String name, String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return new WebApplicationException(ErrorBody.response(400, name + ": '" + shown + "' is not a whole number",
                "invalid_parameter"));
    }
}
