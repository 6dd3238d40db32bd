package dev.yoq.api.limits;

import java.io.IOException;

/** A request body sent more than its route's cap; answered 413 wherever it surfaces. */
public final class BodyTooLargeException extends IOException {
    public BodyTooLargeException(long cap) {
        super("request body too large (limit " + cap + " bytes)");
    }

    /** Whether {@code t} or one of its causes is this refusal (JAX-RS wraps what a body reader throws). */
    public static boolean in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof BodyTooLargeException) return true;
        }
        return false;
    }
}
