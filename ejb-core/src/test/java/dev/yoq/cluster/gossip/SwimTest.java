package dev.yoq.cluster.gossip;

import static dev.yoq.cluster.gossip.MemberState.ALIVE;
import static dev.yoq.cluster.gossip.MemberState.DEAD;
import static dev.yoq.cluster.gossip.MemberState.SUSPECT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.cluster.gossip.GossipMessage.Ack;
import dev.yoq.cluster.gossip.GossipMessage.Ping;
import dev.yoq.cluster.gossip.GossipMessage.PingReq;
import dev.yoq.cluster.gossip.SwimEvent.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Small scenarios with manual time: one {@link Swim} under test, its peers scripted or real. */
class SwimTest {
    private static final SwimConfig CONFIG = SwimConfig.DEFAULT;

    static Member member(long id) {
        return new Member(id, Member.parseIpv4("10.0.0." + id), 7946, ALIVE, 0);
    }

    static Swim swim(long self, long... seeds) {
        return new Swim(CONFIG, member(self), LongStream.of(seeds).mapToObj(SwimTest::member).toList(),
                new SplittableRandom(self));
    }

    /** Takes the seeds' JOINED events, which come with the first output, out of the way. */
    static Swim started(Swim s) {
        long seed = s.members().get(0).id();
        assertThat(s.receive(0, new Ack(seed, 0, List.of())).events()).extracting(SwimEvent::type)
                .containsOnly(Type.JOINED).hasSize(s.members().size());
        return s;
    }

    static List<Member> updates(Swim.Output output) {
        assertThat(output.messages()).hasSize(1);
        return output.messages().get(0).message().updates();
    }

    record Sent(long time, long to, GossipMessage message) {}

    record Seen(long time, SwimEvent event) {}

    /**
     * Drives one Swim every tick and answers for its peers at once: a ping is acked, a ping_req is acked as the
     * forward of the target's answer when the helper reaches the target. {@code down} members answer nothing and
     * cannot be reached; {@code directlyUnreachable} ones cannot be reached by the node under test, only by helpers.
     */
    static final class Script {
        final Swim swim;
        final Set<Long> down = new HashSet<>();
        final Set<Long> directlyUnreachable = new HashSet<>();
        final List<Sent> sent = new ArrayList<>();
        final List<Seen> seen = new ArrayList<>();
        long now;

        Script(Swim swim) {
            this.swim = swim;
        }

        void runUntil(long untilMs) {
            for (; now <= untilMs; now += CONFIG.tickMs()) handle(swim.tick(now));
        }

        void handle(Swim.Output output) {
            output.events().forEach(e -> seen.add(new Seen(now, e)));
            for (Swim.Outgoing out : output.messages()) {
                long to = out.to().id();
                sent.add(new Sent(now, to, out.message()));
                if (down.contains(to) || directlyUnreachable.contains(to)) continue;
                if (out.message() instanceof Ping ping) {
                    handle(swim.receive(now, new Ack(to, ping.seq(), List.of())));
                } else if (out.message() instanceof PingReq req && !down.contains(req.target())) {
                    handle(swim.receive(now, new Ack(to, req.seq(), List.of())));
                }
            }
        }

        List<Seen> events(Type type, long about) {
            return seen.stream().filter(s -> s.event().type() == type && s.event().member().id() == about).toList();
        }

        List<Sent> pingReqsAbout(long target) {
            return sent.stream().filter(s -> s.message() instanceof PingReq r && r.target() == target).toList();
        }
    }

    @Test
    void aMemberThatStopsAnsweringIsSuspectedAfterItsProbeRoundThenDeadThenForgotten() {
        Script script = new Script(swim(1, 2, 3, 4));
        script.down.add(4L);
        script.runUntil(200_000);
        long probe = CONFIG.probeIntervalMs(4); // 5 s with N = 4

        List<Sent> indirect = script.pingReqsAbout(4);
        assertThat(indirect).isNotEmpty();
        Sent first = indirect.get(0);
        // the direct ping went one tick earlier, with the same seq, and got no ack
        assertThat(script.sent).anySatisfy(s -> {
            assertThat(s.to()).isEqualTo(4);
            assertThat(s.time()).isEqualTo(first.time() - CONFIG.ackTimeoutMs());
            assertThat(s.message()).isInstanceOf(Ping.class);
            assertThat(s.message().seq()).isEqualTo(first.message().seq());
        });
        // K = 3 helpers wanted, the two other ALIVE members asked
        assertThat(indirect.stream().filter(s -> s.time() == first.time()).map(Sent::to))
                .containsExactlyInAnyOrder(2L, 3L);

        long probedAt = first.time() - CONFIG.ackTimeoutMs();
        assertThat(script.events(Type.SUSPECT, 4)).singleElement()
                .satisfies(s -> assertThat(s.time()).isEqualTo(probedAt + probe));
        assertThat(script.events(Type.DEAD, 4)).singleElement()
                .satisfies(s -> assertThat(s.time()).isEqualTo(probedAt + probe + CONFIG.suspectTimeoutMs(4)));
        assertThat(script.events(Type.FORGOTTEN, 4)).singleElement().satisfies(s -> assertThat(s.time())
                .isEqualTo(probedAt + probe + CONFIG.suspectTimeoutMs(4) + CONFIG.deadTimeoutMs(4)));
        assertThat(script.swim.members()).extracting(Member::id).containsExactly(2L, 3L);
        assertThat(script.seen).noneMatch(s -> s.event().member().id() != 4 && s.event().type() != Type.JOINED);
    }

    @Test
    void anAckThroughPingReqKeepsAMemberAliveWhenTheDirectPathDrops() {
        Script script = new Script(swim(1, 2, 3, 4));
        script.directlyUnreachable.add(4L);
        script.runUntil(120_000);

        assertThat(script.pingReqsAbout(4)).isNotEmpty();
        assertThat(script.seen).noneMatch(s -> s.event().type() == Type.SUSPECT || s.event().type() == Type.DEAD);
        assertThat(script.swim.member(4).state()).isEqualTo(ALIVE);
    }

    @Test
    void withoutIndirectAcksTheDirectDropMakesItSuspect() {
        Script script = new Script(swim(1, 2, 3, 4));
        script.directlyUnreachable.add(4L);
        script.down.add(4L); // now the helpers cannot reach it either
        script.runUntil(60_000);
        assertThat(script.events(Type.SUSPECT, 4)).hasSize(1);
    }

    @Test
    void anIntermediaryPingsTheTargetWithItsOwnSeqAndForwardsTheAckWithTheOriginal() {
        Swim intermediary = swim(1, 2, 3);
        Swim.Output asked = intermediary.receive(0, new PingReq(2, 3, 77, List.of()));

        assertThat(asked.messages()).singleElement().satisfies(out -> {
            assertThat(out.to().id()).isEqualTo(3);
            assertThat(out.message()).isInstanceOf(Ping.class);
        });
        long ownSeq = asked.messages().get(0).message().seq();
        Swim.Output answered = intermediary.receive(10, new Ack(3, ownSeq, List.of()));

        assertThat(answered.messages()).singleElement().satisfies(out -> {
            assertThat(out.to().id()).isEqualTo(2);
            assertThat(out.message()).isInstanceOf(Ack.class);
            assertThat(out.message().from()).isEqualTo(1);
            assertThat(out.message().seq()).isEqualTo(77);
        });
        assertThat(intermediary.receive(20, new Ack(3, ownSeq, List.of())).messages()).as("forwarded once").isEmpty();
        assertThat(intermediary.receive(30, new PingReq(2, 9, 78, List.of())).messages()).isEmpty();
        assertThat(intermediary.ignored(Swim.Ignored.UNKNOWN_TARGET)).isEqualTo(1);
    }

    @Test
    void aSuspectedNodeRefutesWithAHigherIncarnationAndOthersTakeItAsAliveAgain() {
        Swim accused = started(swim(1, 2, 3));
        Swim b = started(swim(2, 1, 3));
        Swim c = started(swim(3, 1, 2));
        Member suspicion = member(1).with(SUSPECT, 0);
        assertThat(b.receive(0, new Ping(3, 5, List.of(suspicion))).events())
                .containsExactly(new SwimEvent(Type.SUSPECT, suspicion));
        c.receive(0, new Ping(2, 6, List.of(suspicion)));

        // B's messages to the accused lead with the accusation (so it learns of it from anyone holding it)
        Swim.Output bAnswersAccused = b.receive(1, new Ping(1, 7, List.of()));
        assertThat(updates(bAnswersAccused)).first().isEqualTo(suspicion);

        Swim.Output refutation = accused.receive(2, new Ping(2, 9, updates(bAnswersAccused)));
        assertThat(accused.self().incarnation()).isEqualTo(1);
        Member alive = member(1).with(ALIVE, 1);
        assertThat(updates(refutation)).first().as("the answer leads with the refutation").isEqualTo(alive);

        assertThat(b.receive(3, refutation.messages().get(0).message()).events())
                .containsExactly(new SwimEvent(Type.ALIVE, alive));
        assertThat(b.member(1)).isEqualTo(alive);

        // C still holds the old suspicion, long after B gossiped the refutation its 3 times; gossiping the
        // suspicion to B earns C B's newer record at the head of the answer
        for (int i = 0; i < 5; i++) b.receive(4, new Ping(1, 20 + i, List.of()));
        Swim.Output corrected = b.receive(4, new Ping(3, 8, List.of(suspicion)));
        assertThat(updates(corrected)).first().isEqualTo(alive);
        assertThat(c.receive(5, corrected.messages().get(0).message()).events())
                .containsExactly(new SwimEvent(Type.ALIVE, alive));
    }

    @Test
    void aMemberWeHoldDeadHearsItFirstWheneverItContactsUsLongAfterTheNewsWasGossiped() {
        Swim s = started(swim(1, 2, 9));
        s.receive(0, new Ack(2, 0, List.of(member(9).with(DEAD, 0))));
        for (int i = 1; i <= 10; i++) s.receive(i, new Ping(2, i, List.of())); // the news is sent its 3 times

        Swim.Output answer = s.receive(20, new Ping(9, 1, List.of()));
        assertThat(answer.messages()).singleElement().satisfies(out -> {
            assertThat(out.to().id()).isEqualTo(9);
            assertThat(out.message().updates()).containsExactly(member(9).with(DEAD, 0));
        });
    }

    @Test
    void aMemberWeHoldDeadThatRestartedOnAnotherPortIsAnsweredThereAndItsRefutationRevivesIt() {
        Swim s = started(swim(1, 2, 9));
        s.receive(0, new Ack(2, 0, List.of(member(9).with(DEAD, 0))));
        Swim restarted = new Swim(CONFIG, new Member(9, Member.parseIpv4("10.0.0.9"), 7000, ALIVE, 0), List.of(member(1)), new SplittableRandom(9));

        Swim.Output answer = s.receive(1, new Ping(9, 1, List.of(restarted.self())), Member.parseIpv4("10.0.0.9"), 7000);
        assertThat(answer.messages()).singleElement().satisfies(out -> {
            assertThat(out.to().port()).as("answered where it is now, not at its old port").isEqualTo(7000);
            assertThat(out.message().updates()).first().isEqualTo(member(9).with(DEAD, 0).at(Member.parseIpv4("10.0.0.9"), 7000));
        });
        Swim.Output refuted = restarted.receive(2, answer.messages().get(0).message(), Member.parseIpv4("10.0.0.1"), 7946);
        assertThat(restarted.self().incarnation()).isEqualTo(1);
        assertThat(refuted.messages()).as("an ack is not answered: the refutation goes with its next message").isEmpty();
        Swim.Outgoing next = restarted.tick(CONFIG.tickMs()).messages().stream().filter(o -> o.to().id() == 1).findFirst().orElseThrow();
        assertThat(next.message().updates()).contains(restarted.self());
        s.receive(3, next.message(), Member.parseIpv4("10.0.0.9"), 7000);
        assertThat(s.member(9).state()).isEqualTo(ALIVE);
        assertThat(s.member(9).port()).isEqualTo(7000);
    }

    @Test
    void anAccusationBelowOurIncarnationIsAnsweredWithoutRaisingItAgain() {
        Swim accused = swim(1, 2);
        accused.receive(0, new Ping(2, 1, List.of(member(1).with(DEAD, 4))));
        assertThat(accused.self().incarnation()).isEqualTo(5);
        Swim.Output answer = accused.receive(1, new Ping(2, 2, List.of(member(1).with(SUSPECT, 3))));
        assertThat(accused.self().incarnation()).isEqualTo(5);
        assertThat(updates(answer)).first().isEqualTo(member(1).with(ALIVE, 5));
    }

    @Test
    void atEqualIncarnationDeadBeatsSuspectBeatsAliveAndAHigherIncarnationBeatsAll() {
        Swim s = started(swim(1, 2));
        Member x = member(9).with(ALIVE, 3);
        assertThat(s.receive(0, new Ping(2, 1, List.of(x))).events()).containsExactly(new SwimEvent(Type.JOINED, x));

        assertThat(s.receive(1, new Ping(2, 2, List.of(x.with(SUSPECT, 3)))).events()).extracting(SwimEvent::type)
                .containsExactly(Type.SUSPECT);
        assertThat(s.receive(2, new Ping(2, 3, List.of(x.with(ALIVE, 3)))).events()).isEmpty();
        assertThat(s.member(9).state()).isEqualTo(SUSPECT);
        assertThat(s.receive(3, new Ping(2, 4, List.of(x.with(DEAD, 3)))).events()).extracting(SwimEvent::type)
                .containsExactly(Type.DEAD);
        assertThat(s.receive(4, new Ping(2, 5, List.of(x.with(SUSPECT, 3), x.with(ALIVE, 3)))).events()).isEmpty();
        assertThat(s.member(9).state()).isEqualTo(DEAD);
        assertThat(s.receive(5, new Ping(2, 6, List.of(x.with(ALIVE, 4)))).events()).extracting(SwimEvent::type)
                .containsExactly(Type.ALIVE);
        assertThat(s.member(9)).isEqualTo(x.with(ALIVE, 4));
    }

    @Test
    void staleUpdatesAreIgnoredAndNotGossiped() {
        Swim s = swim(1, 2);
        Member x = member(9).with(ALIVE, 5);
        s.receive(0, new Ping(2, 1, List.of(x)));

        Swim.Output stale = s.receive(1, new Ping(2, 2, List.of(x.with(ALIVE, 4), x.with(SUSPECT, 4),
                x.with(DEAD, 2))));

        assertThat(stale.events()).isEmpty();
        assertThat(s.member(9)).isEqualTo(x);
        for (int i = 0; i < 20; i++) {
            assertThat(s.receive(2 + i, new Ping(2, 3 + i, List.of())).messages())
                    .flatExtracting(out -> out.message().updates())
                    .allSatisfy(u -> assertThat(u.state()).isEqualTo(ALIVE))
                    .allSatisfy(u -> assertThat(u.id() != 9 || u.incarnation() == 5).isTrue());
        }
    }

    @Test
    void piggybacksAreDeadThenSuspectThenAliveAtMostSix() {
        Swim s = swim(1, 2, 3, 4, 5, 6);
        // fed in acks, which are not answered, so nothing is sent before the message under test
        s.receive(0, new Ack(2, 0, List.of(member(10), member(11), member(12), member(3).with(SUSPECT, 0),
                member(4).with(SUSPECT, 0))));
        s.receive(1, new Ack(2, 0, List.of(member(5).with(DEAD, 0), member(6).with(DEAD, 0))));

        List<Member> first = updates(s.receive(2, new Ping(2, 3, List.of())));
        assertThat(first).extracting(Member::state).containsExactly(DEAD, DEAD, SUSPECT, SUSPECT, ALIVE, ALIVE);
        assertThat(first).as("newest news first").extracting(Member::id).containsExactly(6L, 5L, 4L, 3L, 12L, 11L);

        // the accusations again (sent once, but of higher priority), then the alive news never sent yet
        List<Member> second = updates(s.receive(3, new Ping(2, 4, List.of())));
        assertThat(second).extracting(Member::id).containsExactly(6L, 5L, 4L, 3L, 10L, 1L);
        // then the alive news sent once, in turn
        List<Member> third = updates(s.receive(4, new Ping(2, 5, List.of())));
        assertThat(third).extracting(Member::id).containsExactly(6L, 5L, 4L, 3L, 12L, 11L);
    }

    @Test
    void eachUpdateIsPiggybackedExactlyCeilLog2NPlusOneTimes() {
        Swim s = swim(1, 2, 3, 4, 5, 6, 7, 8, 9); // N = 9 → 5 times; with member 20 N = 10, still 5
        Member news = member(20);
        assertThat(s.receive(0, new Ack(2, 0, List.of(news))).messages()).isEmpty();
        assertThat(SwimConfig.retransmits(10)).isEqualTo(5);

        int newsSent = 0;
        int selfSent = 0;
        for (int i = 1; i <= 30; i++) {
            for (Member u : updates(s.receive(i, new Ping(2, 1 + i, List.of())))) {
                if (u.equals(news)) newsSent++;
                if (u.id() == 1) selfSent++;
            }
        }
        assertThat(newsSent).isEqualTo(5);
        assertThat(selfSent).isEqualTo(5);
    }

    @Test
    void seedsStartAliveAtIncarnationZeroAndTheFirstMessagesAnnounceTheNode() {
        Swim s = new Swim(CONFIG, member(1), List.of(member(2).with(SUSPECT, 7), member(1)), new SplittableRandom(1));
        Swim.Output first = s.tick(0);

        assertThat(s.members()).containsExactly(member(2));
        assertThat(first.events()).containsExactly(new SwimEvent(Type.JOINED, member(2)));
        assertThat(first.messages()).isNotEmpty().allSatisfy(out -> {
            assertThat(out.to()).isEqualTo(member(2));
            assertThat(out.message().updates()).contains(member(1));
        });
    }

    @Test
    void anUnknownSenderIsLearnedFromItsAddressOrElseCannotBeAnswered() {
        Swim s = swim(1, 2);
        assertThat(s.receive(0, new Ping(7, 1, List.of())).messages()).isEmpty();
        assertThat(s.ignored(Swim.Ignored.UNKNOWN_SENDER)).isEqualTo(1);
        assertThat(s.member(7)).isNull();

        Swim.Output answered = s.receive(1, new Ping(7, 2, List.of()), Member.parseIpv4("10.0.0.7"), 7000);
        assertThat(answered.events()).containsExactly(new SwimEvent(Type.JOINED,
                new Member(7, Member.parseIpv4("10.0.0.7"), 7000, ALIVE, 0)));
        assertThat(answered.messages()).singleElement().satisfies(out -> assertThat(out.to().port()).isEqualTo(7000));
        assertThat(s.receive(2, new Ping(1, 3, List.of())).messages()).isEmpty();
        assertThat(s.ignored(Swim.Ignored.FROM_SELF)).isEqualTo(1);
    }

    @Test
    void theSameSeedAndInputsGiveTheSameOutputs() {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        for (List<String> log : List.of(first, second)) {
            Script script = new Script(swim(1, 2, 3, 4, 5, 6, 7, 8));
            script.down.add(5L);
            script.runUntil(60_000);
            script.sent.forEach(s -> log.add(s.toString()));
            script.seen.forEach(s -> log.add(s.toString()));
        }
        assertThat(first).isNotEmpty().isEqualTo(second);
    }
}
