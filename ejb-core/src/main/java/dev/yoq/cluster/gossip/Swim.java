package dev.yoq.cluster.gossip;

import dev.yoq.cluster.gossip.GossipMessage.Ack;
import dev.yoq.cluster.gossip.GossipMessage.Ping;
import dev.yoq.cluster.gossip.GossipMessage.PingReq;
import dev.yoq.cluster.gossip.BroadcastQueue.Entry;
import dev.yoq.cluster.gossip.SwimEvent.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * SWIM membership (spec) as a pure state machine: no I/O, no clock, no threads. Time comes in through
 * {@link #tick} (call it every gossip tick) and {@link #receive}; both return the messages to send and the events
 * for the application. All randomness comes from the injected generator and every order that matters is
 * deterministic, so the same seed, inputs and times give the same outputs.
 * <p>
 * <b>Probing.</b> Each probe interval (the first at a random point of it) the node pings {@code fanout} members
 * (ALIVE or SUSPECT) round robin over a list shuffled anew each cycle. No ack within the ack timeout (one tick):
 * {@code ping_req} to K random ALIVE members, which ping the target with their own seq and forward its ack with the
 * original seq. Neither ack by the next probe round: the target becomes SUSPECT. SUSPECT longer than the suspect
 * timeout: DEAD. A DEAD member is kept (so late ALIVE gossip at the same incarnation cannot resurrect it) until the
 * dead timeout passes, then forgotten: removed from {@link #members()} with a FORGOTTEN event. Timers run on this
 * node's clock from when it learned the state; {@code nowMs} must not go backwards.
 * <p>
 * <b>Dissemination.</b> Every accepted change is queued and piggybacked, at most {@code maxPiggyback} (6) per
 * message, dead before suspect before alive, the least sent first, fresh news newest first, and dropped after
 * {@code ceil_log2(N) + 1} sends. A refutation travels with the priority of the accusation it answers.
 * On every tick with news queued the node also pings {@code fanout} members: were news carried by probes alone it
 * would move one probe interval (up to 25 s) per hop, and suspicions would time out before the refutation got back.
 * <p>
 * <b>Refutations reach everyone.</b> A message to a member this node holds SUSPECT or DEAD leads with that
 * accusation, so the member refutes as soon as it hears from us (a wrongly declared member too). An answer to a
 * ping that carried an accusation our record outdates leads with our record, and probes re-assert the prober's
 * current suspicions: a node that missed a refutation is corrected by the next node it probes, before its own
 * suspect timer runs out.
 * <p>
 * <b>Conflicts.</b> The higher incarnation wins; at equal incarnation dead &gt; suspect &gt; alive. Hearing itself
 * accused at an incarnation ≥ its own, a node takes incarnation accused + 1 and gossips ALIVE about itself.
 * Accusations about members this node does not know are ignored.
 * <p>
 * <b>Joining.</b> Seeds start ALIVE at incarnation 0 (their JOINED events come with the first output) and the node's
 * own ALIVE is queued, so its first messages announce it. A message from an unknown sender, when the caller gives
 * the address it came from, adds the sender as ALIVE at incarnation 0 (its own gossip corrects the incarnation), and
 * members learned second-hand get our gossip pings, ahead of the round robin, until they answer: any contact makes
 * two nodes know each other, so membership converges even where the epidemic missed one of them. A known sender
 * heard from another address than its record's is answered there (a member restarted on another port).
 * <p>
 * N, for the intervals and the retransmit count, is {@code members().size() + 1}: every known member, dead ones not
 * yet forgotten included, plus this node. Not thread-safe: one thread drives it.
 */
public final class Swim {
    private static final long NONE = Long.MIN_VALUE;

    /** One message to send, to the member whose address it goes to. */
    public record Outgoing(Member to, GossipMessage message) {}

    /** What a step produced: messages to send now, membership events in the order they happened. */
    public record Output(List<Outgoing> messages, List<SwimEvent> events) {
        public Output {
            messages = List.copyOf(messages);
            events = List.copyOf(events);
        }
    }

    /** Messages that were authentic but could not be acted on, counted for diagnostics and tests. */
    public enum Ignored { FROM_SELF, UNKNOWN_SENDER, UNKNOWN_TARGET }

    private final SwimConfig config;
    private final RandomGenerator random;
    private final Entry self;
    /** Every known member but this node, in the order learned (iterated only where that order is fine). */
    private final LinkedHashMap<Long, Entry> members = new LinkedHashMap<>();
    /** When each running suspect or dead timer started; time only moves forward, so insertion order is expiry order. */
    private final LinkedHashMap<Long, Long> suspectSince = new LinkedHashMap<>();
    private final LinkedHashMap<Long, Long> deadSince = new LinkedHashMap<>();
    private final BroadcastQueue broadcasts = new BroadcastQueue();
    private final RoundRobin probeOrder = new RoundRobin();
    private final RoundRobin gossipOrder = new RoundRobin();
    /** Members learned second-hand that we have not heard from yet, to introduce ourselves to, in turn. */
    private final ArrayDeque<Entry> introductions = new ArrayDeque<>();
    private final List<Probe> probes = new ArrayList<>();
    /** ping_req this node relays: its own ping seq → who asked and with which seq. */
    private final LinkedHashMap<Long, Relay> relays = new LinkedHashMap<>();
    private final EnumMap<Ignored, Long> ignored = new EnumMap<>(Ignored.class);
    private long nextSeq = 1;
    private long nextProbeAt = NONE;
    private List<Outgoing> out = new ArrayList<>();
    private List<SwimEvent> events = new ArrayList<>();

    /**
     * @param config the tunables
     * @param self   this node (taken as ALIVE at its incarnation)
     * @param seeds  members to join through; they start ALIVE at incarnation 0 (an entry for this node is skipped)
     * @param random the only source of randomness; seed it for reproducible runs
     */
    public Swim(SwimConfig config, Member self, List<Member> seeds, RandomGenerator random) {
        this.config = config;
        this.random = random;
        this.self = new Entry(self.with(MemberState.ALIVE, self.incarnation()));
        for (Member seed : seeds) {
            if (seed.id() == self.id() || members.containsKey(seed.id())) continue;
            Entry entry = new Entry(seed.with(MemberState.ALIVE, 0));
            members.put(seed.id(), entry);
            events.add(new SwimEvent(Type.JOINED, entry.member));
        }
        broadcasts.offer(this.self, this.self.member, MemberState.ALIVE);
    }

    /** This node as it gossips itself (its incarnation rises when it refutes). */
    public Member self() {
        return self.member;
    }

    /** Every other known member (ALIVE, SUSPECT, and DEAD until forgotten), not this node, sorted by id. */
    public List<Member> members() {
        List<Member> view = new ArrayList<>(members.size());
        for (Entry e : members.values()) view.add(e.member);
        view.sort(Comparator.comparingLong(Member::id));
        return view;
    }

    /** The known record of member {@code id}, or null. */
    public Member member(long id) {
        Entry e = members.get(id);
        return e == null ? null : e.member;
    }

    /** How many messages were ignored for {@code reason}. */
    public long ignored(Ignored reason) {
        return ignored.getOrDefault(reason, 0L);
    }

    /** Advances time: timeouts, indirect probes, the probe round when due, and gossip. */
    public Output tick(long nowMs) {
        expireSuspects(nowMs);
        forgetDead(nowMs);
        if (!relays.isEmpty()) relays.values().removeIf(relay -> relay.expiresAt <= nowMs);
        sendIndirectProbes(nowMs);
        // the first round at a random point of the first interval: nodes started together must not probe in lockstep
        if (nextProbeAt == NONE) nextProbeAt = nowMs + random.nextLong(config.probeIntervalMs(clusterSize()));
        if (nowMs >= nextProbeAt) probeRound(nowMs);
        gossip();
        return flush();
    }

    /** A decoded, authenticated message whose sender's address is unknown (an unknown sender cannot be answered). */
    public Output receive(long nowMs, GossipMessage message) {
        return receive(nowMs, message, 0, -1);
    }

    /** A decoded, authenticated message and the IPv4 address and port it came from. */
    public Output receive(long nowMs, GossipMessage message, int senderIpv4, int senderPort) {
        if (message.from() == self.member.id()) {
            count(Ignored.FROM_SELF);
            return flush();
        }
        List<Entry> corrections = new ArrayList<>(0);
        for (Member update : message.updates()) {
            Entry newer = apply(nowMs, update);
            if (newer != null) corrections.add(newer);
        }
        Entry sender = members.get(message.from());
        if (sender == null && senderPort >= 0) {
            sender = add(new Member(message.from(), senderIpv4, senderPort, MemberState.ALIVE, 0));
        }
        if (sender == null) {
            count(Ignored.UNKNOWN_SENDER);
            return flush();
        }
        if (senderPort >= 0 && (sender.member.ipv4() != senderIpv4 || sender.member.port() != senderPort)) {
            // an authenticated frame from elsewhere: the member restarted on another port (or address). Answers go
            // where it is now, or the accusation it must refute (it restarted at incarnation 0, held dead) never
            // reaches it and it stays dead for us however long it runs
            sender.member = sender.member.at(senderIpv4, senderPort);
        }
        sender.unheard = false;
        if (message instanceof Ping ping) {
            send(sender, new Ack(selfId(), ping.seq(), piggyback(sender, corrections)));
        } else if (message instanceof PingReq request) {
            relay(nowMs, sender, request);
        } else {
            acked(message.seq());
        }
        return flush();
    }

    // ---- probing

    private void probeRound(long now) {
        for (Probe probe : probes) {
            if (!probe.acked) suspect(now, members.get(probe.target));
        }
        probes.clear();
        for (Entry target : probeOrder.next(config.fanout())) {
            long seq = nextSeq++;
            probes.add(new Probe(target.member.id(), seq, now));
            send(target, new Ping(selfId(), seq, piggyback(target, suspected())));
        }
        long interval = config.probeIntervalMs(clusterSize());
        // keep the cadence anchored to the first round, unless the caller stalled for longer than an interval
        nextProbeAt = nextProbeAt + interval <= now ? now + interval : nextProbeAt + interval;
    }

    /**
     * The members this node holds SUSPECT, which its probes re-assert beyond the retransmit count: whoever knows
     * the refutation corrects us in its ack, so a node that missed the refutation learns it before its own suspect
     * timer declares a live member dead.
     */
    private List<Entry> suspected() {
        List<Entry> held = new ArrayList<>(0);
        for (Long id : suspectSince.keySet()) {
            if (held.size() == config.maxPiggyback()) break;
            held.add(members.get(id));
        }
        return held;
    }

    private void sendIndirectProbes(long now) {
        for (Probe probe : probes) {
            if (probe.acked || probe.indirectSent || now < probe.sentAt + config.ackTimeoutMs()) continue;
            probe.indirectSent = true;
            for (Entry helper : randomAlive(config.indirectProbes(), probe.target)) {
                send(helper, new PingReq(selfId(), probe.target, probe.seq, piggyback(helper)));
            }
        }
    }

    private void relay(long now, Entry requester, PingReq request) {
        if (request.target() == selfId()) { // asked to ping ourselves: answer directly
            send(requester, new Ack(selfId(), request.seq(), piggyback(requester)));
            return;
        }
        Entry target = members.get(request.target());
        if (target == null) {
            count(Ignored.UNKNOWN_TARGET);
            return;
        }
        long seq = nextSeq++;
        relays.put(seq, new Relay(requester.member.id(), request.seq(), now + config.probeIntervalMs(clusterSize())));
        send(target, new Ping(selfId(), seq, piggyback(target)));
    }

    /** An ack for one of our probes (direct, or forwarded by an intermediary), or for a ping we relay. */
    private void acked(long seq) {
        for (Probe probe : probes) {
            if (probe.seq == seq) probe.acked = true;
        }
        Relay relay = relays.isEmpty() ? null : relays.remove(seq);
        Entry requester = relay == null ? null : members.get(relay.requester);
        if (requester != null) send(requester, new Ack(selfId(), relay.seq, piggyback(requester)));
    }

    /** K distinct random ALIVE members other than {@code excluded}: a partial Fisher-Yates over the candidates. */
    private List<Entry> randomAlive(int k, long excluded) {
        List<Entry> candidates = new ArrayList<>();
        for (Entry e : members.values()) {
            if (e.member.state() == MemberState.ALIVE && e.member.id() != excluded) candidates.add(e);
        }
        int picks = Math.min(k, candidates.size());
        for (int i = 0; i < picks; i++) {
            int j = i + random.nextInt(candidates.size() - i);
            candidates.set(j, candidates.set(i, candidates.get(j)));
        }
        return candidates.subList(0, picks);
    }

    /**
     * A ping to {@code fanout} members when there is news or someone to introduce ourselves to; its ack only matters
     * for what it carries. Members learned second-hand that we have not heard from go first: they may not know us
     * (the gossip about us may have missed them), and a message from us is how they learn us. They stay in line
     * until they answer (a ping or its ack can be lost), or stop being ALIVE.
     */
    private void gossip() {
        boolean news = broadcasts.hasNews(SwimConfig.retransmits(clusterSize()));
        if (!news && introductions.isEmpty()) return;
        List<Entry> targets = new ArrayList<>(config.fanout());
        while (!introductions.isEmpty() && targets.size() < config.fanout()) {
            Entry e = introductions.pollFirst();
            if (e.unheard && e.member.state() == MemberState.ALIVE && !targets.contains(e)) targets.add(e);
        }
        introductions.addAll(targets);
        if (news && targets.isEmpty()) targets = gossipOrder.next(config.fanout());
        for (Entry target : targets) send(target, new Ping(selfId(), nextSeq++, piggyback(target)));
    }

    // ---- membership changes

    /**
     * Applies one update by the conflict rules. Returns our entry when the update is an accusation that our record
     * outdates (ours about ourselves included), which the answer to the sender then leads with, else null.
     */
    private Entry apply(long now, Member update) {
        if (update.id() == selfId()) {
            refuteIfNeeded(update);
            return update.state() == MemberState.ALIVE ? null : self;
        }
        Entry known = members.get(update.id());
        if (known == null) {
            if (update.state() != MemberState.ALIVE) return null;
            known = add(update);
            known.unheard = true;
            introductions.addLast(known);
            broadcasts.offer(known, update, MemberState.ALIVE);
        } else if (update.supersedes(known.member)) {
            MemberState replaced = known.member.state();
            change(now, known, update);
            broadcasts.offer(known, update, urgency(update.state(), replaced));
        } else if (update.state() != MemberState.ALIVE && known.member.supersedes(update)) {
            return known;
        }
        return null;
    }

    /**
     * How urgently an update travels: as its own state, or, for an ALIVE that clears a suspicion or a death, as the
     * accusation it answers, since a refutation that queues behind ordinary news arrives after the suspicion it
     * answers has timed out elsewhere.
     */
    private static MemberState urgency(MemberState update, MemberState replaced) {
        return update.code() >= replaced.code() ? update : replaced;
    }

    /**
     * An accusation at our incarnation or above: take accused + 1 and gossip ALIVE. An older accusation is already
     * refuted, but it still circulates, so whoever sent it missed the refutation: gossip it afresh. (An ALIVE about
     * us above our incarnation, say from before a restart, is outbid the same way.)
     */
    private void refuteIfNeeded(Member aboutSelf) {
        Member me = self.member;
        boolean accused = aboutSelf.state() != MemberState.ALIVE;
        if (!accused && aboutSelf.incarnation() <= me.incarnation()) return;
        long incarnation = Math.max(me.incarnation(), aboutSelf.incarnation() + 1);
        self.member = me.with(MemberState.ALIVE, incarnation);
        broadcasts.offer(self, self.member, urgency(MemberState.ALIVE, aboutSelf.state()));
    }

    private Entry add(Member member) {
        Entry entry = new Entry(member);
        members.put(member.id(), entry);
        events.add(new SwimEvent(Type.JOINED, member));
        return entry;
    }

    /** This node's own verdict on a probe that went unanswered. */
    private void suspect(long now, Entry e) {
        if (e == null || e.member.state() != MemberState.ALIVE) return;
        Member suspect = e.member.with(MemberState.SUSPECT, e.member.incarnation());
        change(now, e, suspect);
        broadcasts.offer(e, suspect, MemberState.SUSPECT);
    }

    private void expireSuspects(long now) {
        if (suspectSince.isEmpty()) return;
        for (long id : expired(suspectSince, now, config.suspectTimeoutMs(clusterSize()))) {
            Entry e = members.get(id);
            Member dead = e.member.with(MemberState.DEAD, e.member.incarnation());
            change(now, e, dead);
            broadcasts.offer(e, dead, MemberState.DEAD);
        }
    }

    private void forgetDead(long now) {
        if (deadSince.isEmpty()) return;
        for (long id : expired(deadSince, now, config.deadTimeoutMs(clusterSize()))) {
            deadSince.remove(id);
            Entry gone = members.remove(id);
            broadcasts.remove(gone);
            gone.unheard = false;
            events.add(new SwimEvent(Type.FORGOTTEN, gone.member));
        }
    }

    /** The timers started at least {@code timeout} ago: a prefix, since the oldest come first. */
    private static List<Long> expired(LinkedHashMap<Long, Long> since, long now, long timeout) {
        List<Long> expired = new ArrayList<>(0);
        for (Map.Entry<Long, Long> timer : since.entrySet()) {
            if (now - timer.getValue() < timeout) break;
            expired.add(timer.getKey());
        }
        return expired;
    }

    /** Records a newer state of a known member, restarting its timers and reporting a state transition. */
    private void change(long now, Entry e, Member after) {
        MemberState before = e.member.state();
        e.member = after;
        long id = after.id();
        if (before == MemberState.SUSPECT) suspectSince.remove(id);
        if (before == MemberState.DEAD) deadSince.remove(id);
        if (after.state() == MemberState.SUSPECT) suspectSince.put(id, now);
        if (after.state() == MemberState.DEAD) deadSince.put(id, now);
        if (before == after.state()) return;
        events.add(new SwimEvent(switch (after.state()) {
            case ALIVE -> Type.ALIVE;
            case SUSPECT -> Type.SUSPECT;
            case DEAD -> Type.DEAD;
        }, after));
    }

    // ---- sending

    private List<Member> piggyback(Entry to) {
        return piggyback(to, List.of());
    }

    /**
     * The updates for a message to {@code to}: first our accusation against the recipient, so it refutes, then
     * {@code leading} (records the recipient should hear from us beyond the queue), then the queue.
     */
    private List<Member> piggyback(Entry to, List<Entry> leading) {
        List<Entry> leads = new ArrayList<>(leading.size() + 1);
        if (to.member.state() != MemberState.ALIVE) leads.add(to);
        for (Entry e : leading) {
            if (leads.size() < config.maxPiggyback() && !leads.contains(e)) leads.add(e);
        }
        List<Member> updates = new ArrayList<>(config.maxPiggyback());
        for (Entry lead : leads) updates.add(lead.member);
        broadcasts.take(updates, config.maxPiggyback(), SwimConfig.retransmits(clusterSize()), leads);
        return updates;
    }

    private void send(Entry to, GossipMessage message) {
        out.add(new Outgoing(to.member, message));
    }

    private Output flush() {
        if (out.isEmpty() && events.isEmpty()) return new Output(List.of(), List.of());
        Output output = new Output(out, events);
        out = new ArrayList<>();
        events = new ArrayList<>();
        return output;
    }

    private long selfId() {
        return self.member.id();
    }

    private int clusterSize() {
        return members.size() + 1;
    }

    private void count(Ignored reason) {
        ignored.merge(reason, 1L, Long::sum);
    }

    private static final class Probe {
        final long target;
        final long seq;
        final long sentAt;
        boolean acked;
        boolean indirectSent;

        Probe(long target, long seq, long sentAt) {
            this.target = target;
            this.seq = seq;
            this.sentAt = sentAt;
        }
    }

    private record Relay(long requester, long seq, long expiresAt) {}

    /** Members in an order shuffled anew each cycle; members learned mid-cycle join the next one. */
    private final class RoundRobin {
        private long[] order = new long[0];
        private int cursor;

        /** Up to {@code count} distinct members that are not DEAD, continuing the cycle. */
        List<Entry> next(int count) {
            List<Entry> picked = new ArrayList<>(count);
            int budget = order.length - cursor + members.size(); // the rest of this cycle and one more
            while (picked.size() < count && budget-- > 0) {
                if (cursor >= order.length && !refill()) break;
                Entry e = members.get(order[cursor++]);
                if (e != null && e.member.state() != MemberState.DEAD && !picked.contains(e)) picked.add(e);
            }
            return picked;
        }

        private boolean refill() {
            order = members.keySet().stream().mapToLong(Long::longValue).toArray();
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                long swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
            cursor = 0;
            return order.length > 0;
        }
    }

}
