package dev.yoq.cluster.gossip;

/**
 * A change in this node's view of the cluster, for the application: a member was learned ({@link Type#JOINED}),
 * came back ({@link Type#ALIVE}: refuted a suspicion, or restarted with a higher incarnation), is suspected
 * ({@link Type#SUSPECT}), was declared dead ({@link Type#DEAD}), or was dropped from the member list after the dead
 * timeout ({@link Type#FORGOTTEN}). Each transition is reported once; an incarnation bump without a state change is
 * not an event.
 *
 * @param type   what happened
 * @param member the member as it is now (for FORGOTTEN: as it was last, DEAD)
 */
public record SwimEvent(Type type, Member member) {

    public SwimEvent {
        if (type == null || member == null) throw new IllegalArgumentException("type and member must be given");
    }

    /** The kinds of membership change. */
    public enum Type { JOINED, ALIVE, SUSPECT, DEAD, FORGOTTEN }
}
