package dev.yoq.network;

/** A network request that cannot be done; the kind tells the API which status to answer with. */
@jakarta.ejb.ApplicationException
public class NetworkException extends RuntimeException {
    public enum Kind { INVALID, NOT_FOUND, UNAVAILABLE }

    private final Kind kind;

    public NetworkException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() { return kind; }
}
