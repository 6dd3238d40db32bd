package dev.yoq.edge;

/** A certificate request that cannot be done; the kind tells the API which status to answer with. */
@jakarta.ejb.ApplicationException
public class CertificateStoreException extends RuntimeException {
    public enum Kind { INVALID, NOT_FOUND }

    private final Kind kind;

    public CertificateStoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() { return kind; }
}
