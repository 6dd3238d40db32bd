package dev.yoq.state;

import jakarta.ejb.ApplicationException;

/**
 * A leader's decision ({@link CommandBus#submitAsLeader}) that did not land because this server does not lead, or
 * no longer led when the cluster committed it: nothing was written. The loop that made it stops; the new leader
 * decides again from the replicated state. The API answers 503 with code {@code leadership_lost}.
 */
@ApplicationException(rollback = true)
public class LeadershipLostException extends NotCommittedException {
    public LeadershipLostException(String message) {
        super(message, null, "leadership_lost");
    }
}
