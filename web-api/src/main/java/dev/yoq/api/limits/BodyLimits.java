package dev.yoq.api.limits;

/**
 * How many body bytes a route may send (the hardening issue): JSON routes {@code yoq.api.max-body-bytes} (1 MiB),
 * the app snapshot routes {@code yoq.api.max-apply-bytes} (8 MiB). Never above the wire limit of spec §2.0.
 * Pure: the filter applies it to the declared length and to what a chunked body really sends.
 */
public record BodyLimits(long jsonBytes, long applyBytes) {
    public static final long DEFAULT_JSON = 1L << 20;
    public static final long DEFAULT_APPLY = 8L << 20;
    /** {@code POST /v1/secrets}: a value of up to 1 MiB (spec §6.5) as base64 in JSON, with room for its name. */
    public static final long SECRET_BYTES = (4L << 20) / 3 + (64 << 10);

    public BodyLimits {
        if (jsonBytes < 1 || jsonBytes > WireLimits.MAX_BODY_BYTES) throw new IllegalArgumentException("yoq.api.max-body-bytes: must be 1.." + WireLimits.MAX_BODY_BYTES + ", got " + jsonBytes);
        if (applyBytes < 1 || applyBytes > WireLimits.MAX_BODY_BYTES) throw new IllegalArgumentException("yoq.api.max-apply-bytes: must be 1.." + WireLimits.MAX_BODY_BYTES + ", got " + applyBytes);
    }

    /** The cap for a request path relative to the context root ("/apps/apply"). */
    public long capFor(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (p.equals("/v1/secrets")) return Math.max(jsonBytes, SECRET_BYTES);   // a 1 MiB value, base64 in JSON
        return p.equals("/apps/apply") || p.equals("/apps/dry-run") ? applyBytes : jsonBytes;
    }
}
