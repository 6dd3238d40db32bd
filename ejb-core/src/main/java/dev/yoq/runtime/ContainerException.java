package dev.yoq.runtime;

/** A container request that cannot be done; the kind tells the API which status to answer with. */
@jakarta.ejb.ApplicationException
public class ContainerException extends RuntimeException {
    public enum Kind {
        /** the request is wrong: names the field */
        INVALID,
        /** no such container */
        NOT_FOUND,
        /** the container is in the wrong state for this (spec: 400 "container is not running") */
        WRONG_STATE,
        /** the container could not start; the message is yoq-init's reason */
        START_FAILED,
        /** the node helper is not answering */
        UNAVAILABLE
    }

    private final Kind kind;

    public ContainerException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() { return kind; }
}
