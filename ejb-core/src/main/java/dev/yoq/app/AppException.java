package dev.yoq.app;

/** An app request that cannot be done; the kind tells the API which status to answer with. */
@jakarta.ejb.ApplicationException
public class AppException extends RuntimeException {
    public enum Kind { INVALID, NOT_FOUND, CONFLICT }

    private final Kind kind;

    public AppException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() { return kind; }
}
