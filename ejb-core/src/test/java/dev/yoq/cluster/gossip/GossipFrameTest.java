package dev.yoq.cluster.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.yoq.cluster.ClusterKey;
import dev.yoq.cluster.gossip.GossipFrame.FrameRefusedException;
import dev.yoq.cluster.gossip.GossipFrame.Refusal;
import dev.yoq.cluster.gossip.GossipMessage.Ack;
import dev.yoq.cluster.gossip.GossipMessage.Ping;
import dev.yoq.cluster.gossip.GossipMessage.PingReq;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GossipFrameTest {
    private static final ClusterKey KEY = ClusterKey.fromJoinToken("join-token-of-this-cluster");
    private static final ClusterKey OTHER_KEY = ClusterKey.fromJoinToken("join-token-of-another-cluster");
    private static final LongPredicate ANYONE = id -> true;
    private static final long SENDER = 0x0102030405060708L;

    static List<Member> updates(int count) {
        List<Member> updates = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            updates.add(new Member(-i - 1L, 0x0A000000 | i, 7946 + i, MemberState.values()[i % 3], i * 1_000_003L));
        }
        return updates;
    }

    static Stream<GossipMessage> messages() {
        return Stream.of(0, 1, 6).flatMap(n -> Stream.of(
                new Ping(SENDER, 42, updates(n)),
                new Ack(SENDER, Long.MAX_VALUE, updates(n)),
                new PingReq(SENDER, -7L, 3, updates(n))));
    }

    static GossipMessage decode(byte[] frame) throws FrameRefusedException {
        return GossipFrame.decode(KEY, frame, ANYONE);
    }

    static Refusal refusal(byte[] frame, ClusterKey key, LongPredicate known) {
        FrameRefusedException e = catchThrowableOfType(() -> GossipFrame.decode(key, frame, known),
                FrameRefusedException.class);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.getMessage()).startsWith(e.reason().name() + ": ");
        return e.reason();
    }

    /** A frame correctly tagged with {@link #KEY} around an arbitrary payload, to reach the payload checks. */
    static byte[] tagged(long sender, byte[] payload) {
        byte[] senderBytes = new byte[8];
        GossipFrame.putLong(senderBytes, 0, sender);
        byte[] frame = new byte[GossipFrame.HEADER_BYTES + payload.length];
        System.arraycopy(senderBytes, 0, frame, 0, 8);
        System.arraycopy(KEY.tag(senderBytes, payload), 0, frame, 8, ClusterKey.TAG_BYTES);
        System.arraycopy(payload, 0, frame, GossipFrame.HEADER_BYTES, payload.length);
        return frame;
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyMessageTypeRoundTrips(GossipMessage message) throws Exception {
        byte[] frame = GossipFrame.encode(KEY, message);

        assertThat(decode(frame)).isEqualTo(message);
        int fixed = message instanceof PingReq ? 26 : 18;
        assertThat(frame).hasSize(GossipFrame.HEADER_BYTES + fixed + 23 * message.updates().size());
    }

    @Test
    void theFrameIsSenderTagPayloadLittleEndian() {
        Member update = new Member(0x1122334455667788L, Member.parseIpv4("10.1.2.3"), 0xABCD, MemberState.SUSPECT,
                0x0102030405060708L);
        byte[] frame = GossipFrame.encode(KEY, new Ping(SENDER, 0x2A, List.of(update)));
        HexFormat hex = HexFormat.of();

        assertThat(hex.formatHex(frame, 0, 8)).isEqualTo("0807060504030201");
        byte[] payload = Arrays.copyOfRange(frame, 40, frame.length);
        assertThat(Arrays.copyOfRange(frame, 8, 40))
                .isEqualTo(KEY.tag(Arrays.copyOfRange(frame, 0, 8), payload));
        assertThat(hex.formatHex(payload, 0, 18)).isEqualTo("10" + "0807060504030201" + "2a00000000000000" + "01");
        assertThat(hex.formatHex(payload, 18, payload.length)).hasSize(2 * 23).isEqualTo(
                "8877665544332211" + "0a010203" + "cdab" + "01" + "0807060504030201");
    }

    @Test
    void pingReqCarriesTheTargetBeforeTheSeq() {
        byte[] frame = GossipFrame.encode(KEY, new PingReq(1, 2, 3, List.of()));
        assertThat(HexFormat.of().formatHex(frame, 40, frame.length))
                .isEqualTo("12" + "0100000000000000" + "0200000000000000" + "0300000000000000" + "00");
    }

    @Test
    void aChangedTagOrPayloadIsForged() {
        byte[] frame = GossipFrame.encode(KEY, new Ack(SENDER, 9, updates(2)));
        for (int at : new int[] {8, 39, 40, frame.length - 1}) {
            byte[] changed = frame.clone();
            changed[at] ^= 1;
            assertThat(refusal(changed, KEY, ANYONE)).as("bit flipped at %d", at).isEqualTo(Refusal.FORGED);
        }
    }

    @Test
    void aFrameMadeWithAnotherJoinTokenIsForged() {
        byte[] frame = GossipFrame.encode(OTHER_KEY, new Ping(SENDER, 1, updates(1)));
        assertThat(refusal(frame, KEY, ANYONE)).isEqualTo(Refusal.FORGED);
    }

    @Test
    void aSenderThatIsNoKnownPeerIsRefusedBeforeAnyHmacWork() {
        byte[] frame = GossipFrame.encode(KEY, new Ping(SENDER, 1, List.of()));
        assertThat(refusal(frame, KEY, id -> id == 99)).isEqualTo(Refusal.UNKNOWN_SENDER);
        assertThat(refusal(frame, OTHER_KEY, id -> false)).isEqualTo(Refusal.UNKNOWN_SENDER);
    }

    @Test
    void fromMustBeTheAuthenticatedSender() {
        byte[] frame = GossipFrame.encode(KEY, 5, new Ping(6, 1, List.of()));
        assertThat(refusal(frame, KEY, ANYONE)).isEqualTo(Refusal.SENDER_MISMATCH);
    }

    @Test
    void framesOverFifteenHundredBytesAreRefusedAndNeverProduced() {
        assertThat(refusal(new byte[1501], KEY, ANYONE)).isEqualTo(Refusal.TOO_LARGE);
        assertThat(refusal(new byte[64 * 1024], KEY, ANYONE)).isEqualTo(Refusal.TOO_LARGE);
        assertThatThrownBy(() -> new Ping(1, 1, updates(7))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 6");
        assertThat(GossipFrame.encode(KEY, new PingReq(1, 2, 3, updates(6)))).hasSizeLessThanOrEqualTo(1500)
                .hasSize(204);
    }

    @Test
    void tooShortFramesAreRefused() {
        assertThat(refusal(new byte[0], KEY, ANYONE)).isEqualTo(Refusal.TOO_SHORT);
        assertThat(refusal(new byte[40], KEY, ANYONE)).isEqualTo(Refusal.TOO_SHORT);
        assertThat(refusal(tagged(SENDER, new byte[] {0x10, 1, 2}), KEY, ANYONE)).isEqualTo(Refusal.TOO_SHORT);
    }

    @Test
    void authenticPayloadsThatAreMalformedAreRefusedByKind() {
        byte[] ping = GossipFrame.payload(new Ping(SENDER, 1, updates(2)));

        byte[] unknownType = ping.clone();
        unknownType[0] = 0x13;
        assertThat(refusal(tagged(SENDER, unknownType), KEY, ANYONE)).isEqualTo(Refusal.UNKNOWN_TYPE);

        byte[] sevenUpdates = GossipFrame.payload(new Ping(SENDER, 1, List.of()));
        sevenUpdates[17] = 7;
        byte[] padded = Arrays.copyOf(sevenUpdates, 18 + 7 * 23);
        assertThat(refusal(tagged(SENDER, padded), KEY, ANYONE)).isEqualTo(Refusal.TOO_MANY_UPDATES);

        byte[] countTooHigh = ping.clone();
        countTooHigh[17] = 3;
        assertThat(refusal(tagged(SENDER, countTooHigh), KEY, ANYONE)).isEqualTo(Refusal.BAD_LENGTH);
        assertThat(refusal(tagged(SENDER, Arrays.copyOf(ping, ping.length + 1)), KEY, ANYONE))
                .isEqualTo(Refusal.BAD_LENGTH);

        byte[] badState = ping.clone();
        badState[18 + 23 + 14] = 3;
        assertThat(refusal(tagged(SENDER, badState), KEY, ANYONE)).isEqualTo(Refusal.BAD_STATE);
    }

    @Test
    void everyTruncationOfAValidFrameIsRefused() {
        byte[] frame = GossipFrame.encode(KEY, new PingReq(SENDER, 2, 3, updates(6)));
        for (int length = 0; length < frame.length; length++) {
            assertThat(refusal(Arrays.copyOf(frame, length), KEY, ANYONE)).isIn(Refusal.TOO_SHORT, Refusal.FORGED);
        }
    }

    @Property(tries = 3000)
    void randomBytesAreRefusedAndNeverCrash(@ForAll @Size(max = 1600) byte[] bytes) {
        assertThat(refusal(bytes, KEY, ANYONE)).isNotNull();
    }

    /** Authentic frames around random payloads reach the parser: it decodes or refuses, nothing else. */
    @Property(tries = 3000)
    void authenticRandomPayloadsDecodeOrAreRefused(@ForAll @Size(min = 1, max = 200) byte[] payload,
                                                   @ForAll @IntRange(min = 0, max = 2) int type,
                                                   @ForAll @IntRange(min = 0, max = 8) int count) {
        byte[] shaped = payload.clone();
        shaped[0] = (byte) (0x10 + type); // mostly valid types, so the deeper checks run
        int countAt = type == 2 ? 25 : 17;
        if (shaped.length > countAt) shaped[countAt] = (byte) count;
        try {
            GossipMessage message = decode(tagged(GossipFrame.getLong(Arrays.copyOf(shaped, 9), 1), shaped));
            assertThat(message.updates()).hasSizeLessThanOrEqualTo(6);
        } catch (FrameRefusedException e) {
            assertThat(e.reason()).isNotNull();
        }
    }

    @Property(tries = 500)
    void encodedFramesAreWithinTheLimitAndRoundTrip(@ForAll long from, @ForAll long seq, @ForAll long target,
                                                    @ForAll @IntRange(min = 0, max = 6) int count,
                                                    @ForAll long seed) throws Exception {
        Random random = new Random(seed);
        List<Member> updates = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            updates.add(new Member(random.nextLong(), random.nextInt(), random.nextInt(65536),
                    MemberState.values()[random.nextInt(3)], random.nextLong()));
        }
        GossipMessage message = switch (random.nextInt(3)) {
            case 0 -> new Ping(from, seq, updates);
            case 1 -> new Ack(from, seq, updates);
            default -> new PingReq(from, target, seq, updates);
        };
        byte[] frame = GossipFrame.encode(KEY, message);
        assertThat(frame.length).isLessThanOrEqualTo(GossipFrame.MAX_FRAME_BYTES);
        assertThat(decode(frame)).isEqualTo(message);
    }
}
