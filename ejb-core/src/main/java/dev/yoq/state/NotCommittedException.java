package dev.yoq.state;

import jakarta.ejb.ApplicationException;

/**
 * A replicated command the cluster did not commit: no majority within the wait, no leader, or this server's Raft
 * peer still starting. Nothing is known to be written (it may still commit later if it reached the leader). The
 * API answers 503 with the message.
 */
@ApplicationException(rollback = true)
public class NotCommittedException extends RuntimeException {
    public NotCommittedException(String message, Throwable cause) {
        super(message, cause);
    }
}
