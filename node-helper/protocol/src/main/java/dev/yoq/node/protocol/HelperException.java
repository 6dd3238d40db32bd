package dev.yoq.node.protocol;

/** A {@link HelperError} as an exception, on both sides of the socket. */
public class HelperException extends RuntimeException {
    private final HelperError error;

    public HelperException(String code, String message) {
        super(message);
        this.error = new HelperError(code, message);
    }

    public HelperException(HelperError error) {
        super(error.message());
        this.error = error;
    }

    public HelperError error() { return error; }
    public String code() { return error.code(); }
}
