package dev.yoq.api.limits;

import java.util.Optional;

/**
 * The original's request limits (spec §2.0), checked before any routing: the first one broken decides the
 * answer. Pure, so every edge is unit tested.
 */
public final class WireLimits {

    public static final int MAX_URI_BYTES = 2048;
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    public static final long MAX_BODY_BYTES = 256L * 1024 * 1024;

    /** A refusal: HTTP status and the original's message. */
    public record Refusal(int status, String error, String reason) {
    }

    private WireLimits() {
    }

    /**
     * @param uriBytes     length of the request target (path and query)
     * @param headerBytes  size of the header block as sent ({@code name: value\r\n} per header)
     * @param contentLength the Content-Length header, -1 when absent
     */
    /** A body over its route's cap (or over the wire limit). */
    public static Refusal tooLarge() {
        return new Refusal(413, "request body too large", "body");
    }

    public static Optional<Refusal> check(int uriBytes, int headerBytes, long contentLength) {
        if (uriBytes > MAX_URI_BYTES) {
            return Optional.of(new Refusal(400, "request uri too long", "uri"));
        }
        if (headerBytes > MAX_HEADER_BYTES) {
            return Optional.of(new Refusal(431, "headers too large", "headers"));
        }
        if (contentLength > MAX_BODY_BYTES) {
            return Optional.of(tooLarge());
        }
        return Optional.empty();
    }
}
