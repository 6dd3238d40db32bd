package dev.yoq.cluster.gossip;

import dev.yoq.cluster.ClusterKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * The UDP wire format of gossip (spec): {@code sender_id u64 LE ‖ HMAC-SHA256 tag (32 bytes) ‖ payload}, at most
 * {@value #MAX_FRAME_BYTES} bytes, the tag being {@code key.tag(sender_id as 8 bytes LE, payload)}. Payloads:
 * {@code 0x10 ping {from u64, seq u64, n u8, updates}}, {@code 0x11 ack {from, seq, n, updates}},
 * {@code 0x12 ping_req {from, target u64, seq, n, updates}}; an update is 23 bytes {@code {id u64, ipv4[4],
 * port u16, state u8, incarnation u64}}. Integers are little-endian; the four IPv4 bytes are in address order
 * (127, 0, 0, 1).
 * <p>
 * {@link #decode} checks cheapest first and authenticates before it parses: size, then the sender against the
 * caller's known peers (no HMAC work for strangers), then the tag, then the payload, then that {@code from} is the
 * authenticated sender. Every way a frame can be wrong ends in a {@link FrameRefusedException} with its
 * {@link Refusal}, never in another exception.
 */
public final class GossipFrame {
    public static final int MAX_FRAME_BYTES = 1500;
    public static final int HEADER_BYTES = 8 + ClusterKey.TAG_BYTES;
    public static final int UPDATE_BYTES = 23;
    static final byte PING = 0x10;
    static final byte ACK = 0x11;
    static final byte PING_REQ = 0x12;

    private GossipFrame() {}

    /** Why a frame was refused. */
    public enum Refusal {
        TOO_SHORT, TOO_LARGE, UNKNOWN_SENDER, FORGED, UNKNOWN_TYPE, TOO_MANY_UPDATES, BAD_LENGTH, BAD_STATE,
        SENDER_MISMATCH
    }

    /** A frame that {@link #decode} will not accept, with the reason. */
    public static final class FrameRefusedException extends Exception {
        private final Refusal reason;

        FrameRefusedException(Refusal reason, String message) {
            super(reason + ": " + message);
            this.reason = reason;
        }

        public Refusal reason() {
            return reason;
        }
    }

    /** The frame for {@code message}, sent by {@code message.from()}. */
    public static byte[] encode(ClusterKey key, GossipMessage message) {
        return encode(key, message.from(), message);
    }

    /**
     * The frame for {@code message} claiming {@code senderId} as sender. A message holds at most 6 updates, so a
     * frame is at most 40 + 26 + 6 × 23 = 204 bytes, far below the limit; the check stays as a guard.
     */
    public static byte[] encode(ClusterKey key, long senderId, GossipMessage message) {
        byte[] payload = payload(message);
        byte[] sender = new byte[8];
        putLong(sender, 0, senderId);
        byte[] frame = new byte[HEADER_BYTES + payload.length];
        if (frame.length > MAX_FRAME_BYTES) throw new IllegalStateException("frame of " + frame.length + " bytes");
        System.arraycopy(sender, 0, frame, 0, 8);
        System.arraycopy(key.tag(sender, payload), 0, frame, 8, ClusterKey.TAG_BYTES);
        System.arraycopy(payload, 0, frame, HEADER_BYTES, payload.length);
        return frame;
    }

    /** The payload of {@code message} (what the tag covers after the sender id). */
    static byte[] payload(GossipMessage message) {
        boolean pingReq = message instanceof GossipMessage.PingReq;
        int fixed = pingReq ? 26 : 18;
        List<Member> updates = message.updates();
        byte[] out = new byte[fixed + updates.size() * UPDATE_BYTES];
        out[0] = message instanceof GossipMessage.Ping ? PING : message instanceof GossipMessage.Ack ? ACK : PING_REQ;
        putLong(out, 1, message.from());
        int at = 9;
        if (pingReq) {
            putLong(out, at, ((GossipMessage.PingReq) message).target());
            at += 8;
        }
        putLong(out, at, message.seq());
        out[at + 8] = (byte) updates.size();
        at += 9;
        for (Member update : updates) {
            putUpdate(out, at, update);
            at += UPDATE_BYTES;
        }
        return out;
    }

    /** Writes the 23-byte update at {@code at}. */
    static void putUpdate(byte[] out, int at, Member m) {
        putLong(out, at, m.id());
        out[at + 8] = (byte) (m.ipv4() >>> 24);
        out[at + 9] = (byte) (m.ipv4() >>> 16);
        out[at + 10] = (byte) (m.ipv4() >>> 8);
        out[at + 11] = (byte) m.ipv4();
        out[at + 12] = (byte) m.port();
        out[at + 13] = (byte) (m.port() >>> 8);
        out[at + 14] = (byte) m.state().code();
        putLong(out, at + 15, m.incarnation());
    }

    /**
     * Authenticates and parses a frame. {@code knownSender} says which sender ids this node takes frames from.
     *
     * @throws FrameRefusedException for any frame that is not a well-formed, authentic message from a known peer
     */
    public static GossipMessage decode(ClusterKey key, byte[] frame, LongPredicate knownSender)
            throws FrameRefusedException {
        if (frame.length > MAX_FRAME_BYTES) {
            throw new FrameRefusedException(Refusal.TOO_LARGE, frame.length + " bytes, limit " + MAX_FRAME_BYTES);
        }
        if (frame.length < HEADER_BYTES + 1) {
            throw new FrameRefusedException(Refusal.TOO_SHORT, frame.length + " bytes, no payload");
        }
        long sender = getLong(frame, 0);
        if (!knownSender.test(sender)) {
            throw new FrameRefusedException(Refusal.UNKNOWN_SENDER, "sender " + Long.toUnsignedString(sender));
        }
        byte[] tag = new byte[ClusterKey.TAG_BYTES];
        System.arraycopy(frame, 8, tag, 0, tag.length);
        byte[] senderBytes = new byte[8];
        System.arraycopy(frame, 0, senderBytes, 0, 8);
        byte[] payload = new byte[frame.length - HEADER_BYTES];
        System.arraycopy(frame, HEADER_BYTES, payload, 0, payload.length);
        if (!key.verify(tag, senderBytes, payload)) {
            throw new FrameRefusedException(Refusal.FORGED, "tag does not match (forged, or another cluster's key)");
        }
        GossipMessage message = parse(payload);
        if (message.from() != sender) {
            throw new FrameRefusedException(Refusal.SENDER_MISMATCH, "from " + Long.toUnsignedString(message.from())
                    + " in a frame sent by " + Long.toUnsignedString(sender));
        }
        return message;
    }

    private static GossipMessage parse(byte[] p) throws FrameRefusedException {
        byte type = p[0];
        if (type != PING && type != ACK && type != PING_REQ) {
            throw new FrameRefusedException(Refusal.UNKNOWN_TYPE, String.format("type 0x%02x", type & 0xFF));
        }
        int fixed = type == PING_REQ ? 26 : 18;
        if (p.length < fixed) {
            throw new FrameRefusedException(Refusal.TOO_SHORT, "payload of " + p.length + " bytes, needs " + fixed);
        }
        int n = p[fixed - 1] & 0xFF;
        if (n > GossipMessage.MAX_UPDATES) {
            throw new FrameRefusedException(Refusal.TOO_MANY_UPDATES, n + " updates, at most "
                    + GossipMessage.MAX_UPDATES);
        }
        if (p.length != fixed + n * UPDATE_BYTES) {
            throw new FrameRefusedException(Refusal.BAD_LENGTH, "payload of " + p.length + " bytes for " + n
                    + " updates, expected " + (fixed + n * UPDATE_BYTES));
        }
        List<Member> updates = new ArrayList<>(n);
        for (int i = 0; i < n; i++) updates.add(getUpdate(p, fixed + i * UPDATE_BYTES));
        long from = getLong(p, 1);
        return switch (type) {
            case PING -> new GossipMessage.Ping(from, getLong(p, 9), updates);
            case ACK -> new GossipMessage.Ack(from, getLong(p, 9), updates);
            default -> new GossipMessage.PingReq(from, getLong(p, 9), getLong(p, 17), updates);
        };
    }

    private static Member getUpdate(byte[] p, int at) throws FrameRefusedException {
        int state = p[at + 14] & 0xFF;
        if (!MemberState.isCode(state)) throw new FrameRefusedException(Refusal.BAD_STATE, "state byte " + state);
        int ipv4 = (p[at + 8] & 0xFF) << 24 | (p[at + 9] & 0xFF) << 16 | (p[at + 10] & 0xFF) << 8 | (p[at + 11] & 0xFF);
        int port = (p[at + 12] & 0xFF) | (p[at + 13] & 0xFF) << 8;
        return new Member(getLong(p, at), ipv4, port, MemberState.ofCode(state), getLong(p, at + 15));
    }

    static void putLong(byte[] out, int at, long value) {
        for (int i = 0; i < 8; i++) out[at + i] = (byte) (value >>> (8 * i));
    }

    static long getLong(byte[] in, int at) {
        long value = 0;
        for (int i = 7; i >= 0; i--) value = value << 8 | (in[at + i] & 0xFF);
        return value;
    }
}
