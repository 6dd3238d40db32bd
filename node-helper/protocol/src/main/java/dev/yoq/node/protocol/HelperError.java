package dev.yoq.node.protocol;

/**
 * A typed failure from the helper. Codes: {@code invalid} (bad request, names the field), {@code not_found},
 * {@code conflict} (wrong state for the operation), {@code start_failed} (yoq-init's own message),
 * {@code forbidden} (peer not allowed), {@code version} (protocol mismatch), {@code internal}.
 */
public record HelperError(String code, String message) {
    public static final String INVALID = "invalid";
    public static final String NOT_FOUND = "not_found";
    public static final String CONFLICT = "conflict";
    public static final String START_FAILED = "start_failed";
    public static final String FORBIDDEN = "forbidden";
    public static final String VERSION = "version";
    public static final String INTERNAL = "internal";
}
