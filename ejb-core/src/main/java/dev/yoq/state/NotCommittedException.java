package dev.yoq.state;

import jakarta.ejb.ApplicationException;

/**
 * A replicated command the cluster did not commit: no majority within the wait, no leader, or this server's Raft
 * peer still starting. Nothing is known to be written (it may still commit later if it reached the leader). Also a
 * command that did commit but this server had not applied within its wait (code {@code not_applied_yet}). The API
 * answers 503 with the message and the code.
 */
@ApplicationException(rollback = true)
public class NotCommittedException extends RuntimeException {
    private final String code;

    public NotCommittedException(String message, Throwable cause) {
        this(message, cause, "not_committed");
    }

    /** {@code code}: {@code not_committed}, or {@code not_applied_yet} for a write committed but not yet applied here. */
    public NotCommittedException(String message, Throwable cause, String code) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
