package dev.yoq.cluster.gossip;

import static dev.yoq.cluster.gossip.SimulatedNetwork.memberFor;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Many {@link Swim} nodes on a {@link SimulatedNetwork}: convergence of a 1,000-node join, failure detection without
 * false deaths under 5% loss, and reproducibility. Simulated time only; nothing sleeps.
 */
class SwimSimulationTest {
    private static final SwimConfig CONFIG = SwimConfig.DEFAULT;
    private static final int MAX_DELAY_MS = 20;

    /**
     * 1,000 nodes that know only the 3 seeds start within 10 s, with 1% loss. Every node must learn all 999 others,
     * and gossip is bandwidth-bound here: each node sends every fact it learns {@code R = ceil_log2(N) + 1} times, 6
     * per message, and sends about 2 messages a tick (its gossip ping, its acks), so the last fact has passed through
     * a node's queue after at most {@code R (N-1) / (2 × 6)} ticks (458 s for N = 1,000). Convergence must come
     * within that after the last node started.
     */
    @Test
    void thousandNodesJoiningThroughThreeSeedsConverge() {
        int n = 1000;
        long joinSpreadMs = 10_000;
        long[] joinedEvents = {0};
        SimulatedNetwork net = new SimulatedNetwork(CONFIG, 11, 0.01, 1, MAX_DELAY_MS, (time, observer, event) -> {
            if (event.type() == SwimEvent.Type.JOINED) joinedEvents[0]++;
        });
        List<Member> seeds = List.of(memberFor(1), memberFor(2), memberFor(3));
        SplittableRandom starts = new SplittableRandom(12);
        for (long id = 1; id <= n; id++) net.add(id, seeds, starts.nextLong(joinSpreadMs));

        long drainTicks = (long) SwimConfig.retransmits(n) * (n - 1) / (2L * CONFIG.maxPiggyback());
        long bound = joinSpreadMs + drainTicks * CONFIG.tickMs();
        // every node must have seen n-1 JOINED events before the full check is worth its million lookups
        long converged = net.runUntil(bound, 5_000,
                () -> joinedEvents[0] >= (long) n * (n - 1) && allKnowAllAlive(net));

        assertThat(converged).as("all 1,000 nodes know each other as ALIVE within %d ms", bound).isPositive();
        assertThat(net.node(500).swim.members()).hasSize(n - 1)
                .allSatisfy(m -> assertThat(m.state()).isEqualTo(MemberState.ALIVE));
    }

    /**
     * 1,000 nodes that start knowing each other (as after the join above), 5% loss. 10 are killed. A killed node is
     * probed by someone within k probe rounds unless all ~990 probers' round robins skip it k times, chance
     * about e^-k each; k = 8 leaves under 0.4% for any of the 10. Then: SUSPECT at the prober's next round, DEAD a
     * suspect timeout later, and one more probe interval for the news to reach everyone. No live node may be marked
     * DEAD by anyone, ever: suspicions raised by lost packets must be refuted first.
     */
    @Test
    void killedNodesAreDeclaredDeadByEveryoneAndLiveNodesNeverAre() {
        int n = 1000;
        Map<Long, Set<Long>> deadSeenBy = new TreeMap<>();
        List<String> falseDeaths = new ArrayList<>();
        SimulatedNetwork[] holder = new SimulatedNetwork[1];
        SimulatedNetwork net = new SimulatedNetwork(CONFIG, 21, 0.05, 1, MAX_DELAY_MS, (time, observer, event) -> {
            if (event.type() != SwimEvent.Type.DEAD) return;
            long id = event.member().id();
            if (holder[0].node(id).killed) deadSeenBy.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(observer);
            else falseDeaths.add(observer + " declared live " + id + " dead at " + time);
        });
        holder[0] = net;
        List<Member> everyone = new ArrayList<>();
        for (long id = 1; id <= n; id++) everyone.add(memberFor(id));
        SplittableRandom random = new SplittableRandom(22);
        for (long id = 1; id <= n; id++) net.add(id, everyone, random.nextLong(CONFIG.tickMs()));
        net.runUntil(60_000);

        Set<Long> victims = new LinkedHashSet<>();
        while (victims.size() < 10) victims.add(1 + random.nextLong(n));
        victims.forEach(net::kill);
        long killedAt = net.now();
        long probe = CONFIG.probeIntervalMs(n);
        long bound = (8 + 1 + 1) * probe + CONFIG.suspectTimeoutMs(n);
        int live = n - victims.size();
        long detected = net.runUntil(killedAt + bound, 1_000, () -> victims.stream()
                .allMatch(v -> deadSeenBy.getOrDefault(v, Set.of()).size() == live));
        net.runUntil(killedAt + bound); // keep watching for false deaths through the whole window

        assertThat(detected).as("every live node marks all 10 DEAD within %d ms of the kill", bound)
                .isBetween(killedAt, killedAt + bound);
        assertThat(falseDeaths).as("live nodes declared dead").isEmpty();
        for (SimulatedNetwork.Node node : net.liveNodes()) {
            for (long v : victims) assertThat(node.swim.member(v).state()).isEqualTo(MemberState.DEAD);
        }
    }

    @Test
    void theSameSeedGivesTheSameHistoryAndAnotherSeedAnother() {
        String first = history(7);
        assertThat(history(7)).isEqualTo(first);
        assertThat(history(8)).isNotEqualTo(first);
    }

    /** SHA-256 over every event (time, observer, type, member) of a 200-node join with 5% loss and 3 kills. */
    private static String history(long seed) {
        MessageDigest digest = sha256();
        ByteBuffer record = ByteBuffer.allocate(8 * 5 + 2);
        SimulatedNetwork net = new SimulatedNetwork(CONFIG, seed, 0.05, 1, MAX_DELAY_MS, (time, observer, event) -> {
            record.clear().putLong(time).putLong(observer).put((byte) event.type().ordinal())
                    .putLong(event.member().id()).put((byte) event.member().state().code())
                    .putLong(event.member().incarnation()).putLong(event.member().ipv4());
            digest.update(record.array(), 0, record.position());
        });
        List<Member> seeds = List.of(memberFor(1), memberFor(2), memberFor(3));
        SplittableRandom random = new SplittableRandom(seed);
        for (long id = 1; id <= 200; id++) net.add(id, seeds, random.nextLong(5_000));
        net.runUntil(120_000);
        for (long id = 50; id <= 52; id++) net.kill(id);
        net.runUntil(300_000);
        return HexFormat.of().formatHex(digest.digest());
    }

    private static boolean allKnowAllAlive(SimulatedNetwork net) {
        List<SimulatedNetwork.Node> live = net.liveNodes();
        for (SimulatedNetwork.Node a : live) {
            for (SimulatedNetwork.Node b : live) {
                if (a == b) continue;
                Member m = a.swim.member(b.id);
                if (m == null || m.state() != MemberState.ALIVE) return false;
            }
        }
        return true;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
