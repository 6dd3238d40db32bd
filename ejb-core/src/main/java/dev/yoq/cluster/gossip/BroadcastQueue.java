package dev.yoq.cluster.gossip;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Pending updates, at most one per member (a newer one makes the older stale), sent dead first, then suspect,
 * then alive (by urgency: a refutation ranks as the accusation it answers); then the least sent first; among
 * the never sent the newest first, the others in turn. Newest first matters while a join floods the queues:
 * fresh news then spreads as an epidemic instead of queueing behind the backlog, whose tail facts would run out
 * of retransmissions before reaching everyone. Kept as deques per (urgency, times sent), not as one sorted set,
 * so taking six updates is a few deque operations.
 */
final class BroadcastQueue {
    private final List<List<ArrayDeque<Broadcast>>> buckets = new ArrayList<>(); // [state code][times sent]
    private int live; // queued and not stale

    BroadcastQueue() {
        for (int i = 0; i < MemberState.values().length; i++) buckets.add(new ArrayList<>());
    }

    void offer(Entry owner, Member update, MemberState urgency) {
        remove(owner);
        owner.pending = new Broadcast(update, urgency, owner, 0);
        live++;
        bucket(urgency, 0).addFirst(owner.pending); // newest first
    }

    void remove(Entry owner) {
        if (owner.pending != null) retire(owner.pending);
    }

    boolean hasNews(int limit) {
        for (List<ArrayDeque<Broadcast>> byTimesSent : buckets) {
            for (int sent = limit; sent < byTimesSent.size(); sent++) { // the cluster shrank: sent often enough
                for (Broadcast b : byTimesSent.get(sent)) retire(b);
                byTimesSent.get(sent).clear();
            }
        }
        return live > 0;
    }

    /**
     * Appends the next updates to {@code into} up to {@code max}, counting each as sent once and dropping those
     * sent {@code limit} times. Updates about the {@code leads}, already placed first, count but are not repeated.
     */
    void take(List<Member> into, int max, int limit, List<Entry> leads) {
        List<Broadcast> sent = new ArrayList<>(max);
        for (Entry lead : leads) {
            Broadcast queued = lead.pending;
            if (queued == null) continue;
            retire(queued); // stays in its bucket as stale; a copy moves on to the next bucket
            lead.pending = new Broadcast(queued.update, queued.urgency, lead, queued.transmits);
            live++;
            sent.add(lead.pending);
        }
        for (int state = buckets.size() - 1; state >= 0 && into.size() < max; state--) {
            List<ArrayDeque<Broadcast>> byTimesSent = buckets.get(state);
            for (int times = 0; times < Math.min(limit, byTimesSent.size()) && into.size() < max; times++) {
                ArrayDeque<Broadcast> bucket = byTimesSent.get(times);
                while (into.size() < max && !bucket.isEmpty()) {
                    Broadcast b = bucket.pollFirst();
                    if (b.stale) continue;
                    into.add(b.update);
                    sent.add(b);
                }
            }
        }
        for (Broadcast b : sent) {
            if (++b.transmits < limit) bucket(b.urgency, b.transmits).addLast(b);
            else retire(b);
        }
    }

    /** Out of the queue: stale where it still sits in a bucket, no longer its owner's pending update. */
    private void retire(Broadcast b) {
        if (b.stale) return;
        b.stale = true;
        live--;
        if (b.owner.pending == b) b.owner.pending = null;
    }

    private ArrayDeque<Broadcast> bucket(MemberState state, int timesSent) {
        List<ArrayDeque<Broadcast>> byTimesSent = buckets.get(state.code());
        while (byTimesSent.size() <= timesSent) byTimesSent.add(new ArrayDeque<>());
        return byTimesSent.get(timesSent);
    }

    /** What this node keeps about one member (and about itself, for its own queued ALIVE). */
    static final class Entry {
        Member member;
        /** Its update waiting in the broadcast queue, if any. */
        Broadcast pending;
        /** Learned second-hand, and no message from it since. */
        boolean unheard;

        Entry(Member member) {
            this.member = member;
        }
    }

    static final class Broadcast {
        final Member update;
        final MemberState urgency;
        final Entry owner;
        int transmits;
        boolean stale;

        Broadcast(Member update, MemberState urgency, Entry owner, int transmits) {
            this.update = update;
            this.urgency = urgency;
            this.owner = owner;
            this.transmits = transmits;
        }
    }
}
