package dev.yoq.cluster.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.cluster.ClusterKey;
import dev.yoq.cluster.gossip.GossipFrame.Refusal;
import dev.yoq.cluster.gossip.GossipMessage.Ping;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real UDP on 127.0.0.1: three nodes with 50 ms ticks converge, notice a stopped one, and refuse bad frames. */
class UdpGossipTest {
    private static final SwimConfig FAST = SwimConfig.DEFAULT.withTickMs(50);
    private static final ClusterKey KEY = ClusterKey.fromJoinToken("udp-gossip-test-token");
    private static final Set<Long> PEERS = Set.of(1L, 2L, 3L);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<UdpGossip> nodes = new ArrayList<>();
    private final Map<Long, ConcurrentLinkedQueue<SwimEvent>> events = Map.of(1L, new ConcurrentLinkedQueue<>(),
            2L, new ConcurrentLinkedQueue<>(), 3L, new ConcurrentLinkedQueue<>());

    private UdpGossip open(long id, List<Member> seeds) throws Exception {
        UdpGossip node = UdpGossip.open(FAST, KEY, id, new InetSocketAddress(LOOPBACK, 0), seeds, PEERS::contains,
                new SplittableRandom(id), events.get(id)::add);
        nodes.add(node);
        return node;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (UdpGossip node : nodes) node.close();
    }

    private static boolean eventually(long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    private static boolean knowsAlive(UdpGossip node, long... ids) {
        for (long id : ids) {
            if (node.members().stream().noneMatch(m -> m.id() == id && m.state() == MemberState.ALIVE)) return false;
        }
        return true;
    }

    private static MemberState stateOf(UdpGossip node, long id) {
        return node.members().stream().filter(m -> m.id() == id).map(Member::state).findFirst().orElse(null);
    }

    @Test
    void threeNodesConvergeAndDeclareAStoppedOneDead() throws Exception {
        UdpGossip a = open(1, List.of());
        UdpGossip b = open(2, List.of(a.self()));
        UdpGossip c = open(3, List.of(a.self()));
        assertThat(a.self().port()).isPositive();
        nodes.forEach(UdpGossip::start);

        assertThat(eventually(5_000, () -> knowsAlive(a, 2, 3) && knowsAlive(b, 1, 3) && knowsAlive(c, 1, 2)))
                .as("converged").isTrue();
        assertThat(b.members()).filteredOn(m -> m.id() == 3).singleElement()
                .satisfies(m -> assertThat(m.port()).isEqualTo(c.self().port()));

        c.close();
        // N = 3: probe 0.5 s, suspect timeout 2 s; a probe round to reach it, one to suspect it, then the timeout
        long bound = 3 * FAST.probeIntervalMs(3) + FAST.suspectTimeoutMs(3) + 1_000;
        assertThat(eventually(bound, () -> stateOf(a, 3) == MemberState.DEAD && stateOf(b, 3) == MemberState.DEAD))
                .as("C declared dead by A and B within %d ms", bound).isTrue();
        assertThat(stateOf(a, 2)).isEqualTo(MemberState.ALIVE);
        assertThat(events.get(1L)).extracting(SwimEvent::type).contains(SwimEvent.Type.SUSPECT, SwimEvent.Type.DEAD);
        assertThat(a.received()).isPositive();
        assertThat(a.sent()).isPositive();
    }

    @Test
    void badFramesAreCountedByReasonAndChangeNothing() throws Exception {
        UdpGossip a = open(1, List.of());
        a.start();
        InetSocketAddress to = new InetSocketAddress(LOOPBACK, a.self().port());
        ClusterKey otherKey = ClusterKey.fromJoinToken("some-other-cluster");
        try (DatagramChannel sender = DatagramChannel.open()) {
            sender.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), to);
            sender.send(ByteBuffer.wrap(new byte[1600]), to);
            sender.send(ByteBuffer.wrap(GossipFrame.encode(otherKey, new Ping(2, 1, List.of()))), to);
            sender.send(ByteBuffer.wrap(GossipFrame.encode(KEY, new Ping(9, 1, List.of()))), to);
            sender.send(ByteBuffer.wrap(GossipFrame.encode(KEY, 2, new Ping(3, 1, List.of()))), to);
        }

        assertThat(eventually(3_000, () -> a.refused(Refusal.TOO_SHORT) == 1 && a.refused(Refusal.TOO_LARGE) == 1
                && a.refused(Refusal.FORGED) == 1 && a.refused(Refusal.UNKNOWN_SENDER) == 1
                && a.refused(Refusal.SENDER_MISMATCH) == 1)).as("all five refused").isTrue();
        assertThat(a.received()).isZero();
        assertThat(a.members()).isEmpty();
        assertThat(events.get(1L)).isEmpty();
    }
}
