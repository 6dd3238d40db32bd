package dev.yoq.cluster.gossip;

import java.util.List;

/**
 * The three SWIM messages (spec payload types {@code 0x10 ping}, {@code 0x11 ack}, {@code 0x12 ping_req}), each
 * carrying up to {@link #MAX_UPDATES} piggybacked member updates. {@code from} is the sending node (the decoder
 * checks it equals the frame's authenticated sender); {@code seq} pairs an ack with its ping. An ack forwarded
 * by a {@code ping_req} intermediary comes from the intermediary and carries the requester's original seq.
 */
public sealed interface GossipMessage {

    /** The most updates one message carries (spec: {@code n u8} ≤ 6). */
    int MAX_UPDATES = 6;

    long from();

    long seq();

    List<Member> updates();

    /** "Are you alive?" — answered with an {@link Ack} carrying the same seq. */
    record Ping(long from, long seq, List<Member> updates) implements GossipMessage {
        public Ping {
            updates = checked(updates);
        }
    }

    /** The answer to a {@link Ping}, or an intermediary's forward of the target's answer to a {@link PingReq}. */
    record Ack(long from, long seq, List<Member> updates) implements GossipMessage {
        public Ack {
            updates = checked(updates);
        }
    }

    /** "Ping {@code target} for me": the indirect probe, sent when a direct ping got no ack in time. */
    record PingReq(long from, long target, long seq, List<Member> updates) implements GossipMessage {
        public PingReq {
            updates = checked(updates);
        }
    }

    private static List<Member> checked(List<Member> updates) {
        List<Member> copy = List.copyOf(updates);
        if (copy.size() > MAX_UPDATES) {
            throw new IllegalArgumentException("at most " + MAX_UPDATES + " updates per message, not " + copy.size());
        }
        return copy;
    }
}
