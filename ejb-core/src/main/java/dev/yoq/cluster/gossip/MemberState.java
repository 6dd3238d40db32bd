package dev.yoq.cluster.gossip;

/**
 * A member's liveness as gossiped, with its wire code (spec: update state byte 0 alive, 1 suspect, 2 dead). At equal
 * incarnation the higher code wins (dead &gt; suspect &gt; alive), and piggybacked updates go out in descending code
 * order.
 */
public enum MemberState {
    ALIVE(0), SUSPECT(1), DEAD(2);

    private final int code;

    MemberState(int code) {
        this.code = code;
    }

    /** The wire code, which is also the precedence at equal incarnation. */
    public int code() {
        return code;
    }

    /** Whether {@code code} names a state; the decoder refuses frames where it does not. */
    public static boolean isCode(int code) {
        return code >= 0 && code < VALUES.length;
    }

    /** The state with wire code {@code code}. */
    public static MemberState ofCode(int code) {
        if (!isCode(code)) throw new IllegalArgumentException("no member state has code " + code);
        return VALUES[code];
    }

    private static final MemberState[] VALUES = values();
}
