package dev.yoq.cli;

/** A failure the user can act on: printed as {@code error: <message>}, exit status 1. */
public class CliException extends RuntimeException {

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
