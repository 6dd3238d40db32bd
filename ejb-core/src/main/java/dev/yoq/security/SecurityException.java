package dev.yoq.security;

/** A secret or token request that cannot be done; the kind tells the API which status to answer with. */
@jakarta.ejb.ApplicationException
public class SecurityException extends RuntimeException {
    public enum Kind { INVALID, NOT_FOUND, CONFLICT, UNAVAILABLE, FORBIDDEN }

    private final Kind kind;

    public SecurityException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() { return kind; }
}
