package dev.yoq.edge;

/** A certificate request that cannot be done; the kind tells the API which status to answer with. */
@jakarta.ejb.ApplicationException
public class CertificateStoreException extends RuntimeException {
    /**
     * INVALID: the request is wrong (400); NOT_FOUND (404); CONFLICT: an ACME order for the domain is already
     * running (409); UPSTREAM: the ACME CA could not be reached, or refused (502).
     */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT, UPSTREAM }

    private final Kind kind;

    public CertificateStoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() { return kind; }
}
