package dev.yoq.state;

import jakarta.ejb.ApplicationException;

/**
 * The state machine refused a command (it would break an invariant). Nothing was written. The message says
 * what was wrong and is safe to show to a user. Marked as an application exception so the container rolls
 * back and passes it through unwrapped.
 */
@ApplicationException(rollback = true)
public class CommandRejectedException extends RuntimeException {

    public CommandRejectedException(String message) {
        super(message);
    }
}
