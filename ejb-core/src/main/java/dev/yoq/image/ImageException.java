package dev.yoq.image;

/** An image request that cannot be done; the kind tells the API which status to answer with. */
@jakarta.ejb.ApplicationException
public class ImageException extends RuntimeException {
    public enum Kind { INVALID, NOT_FOUND, IN_USE, REGISTRY, UNAVAILABLE }

    private final Kind kind;

    public ImageException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() { return kind; }
}
