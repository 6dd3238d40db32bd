package dev.yoq.cluster.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * Submits made while earlier ones are being sent leave together as one log entry (group commit): one round of
 * replication and one apply transaction per server for all of them, each keeping its own command id and outcome.
 * A lone submit goes at once, alone, in the single-command format. One thread sends; Ratis' async client keeps
 * the entries in order and several in flight.
 */
final class GroupCommit implements AutoCloseable {
    /** At most this many commands, and this many bytes of them, in one entry. */
    static final int MAX_COMMANDS = 128;
    static final int MAX_BYTES = 1 << 20;
    /**
     * Entries on their way at once. While they are, new submits wait in the queue and leave together in the next
     * entry: a few in flight keep the pipeline busy, and a bound is what makes batches form under load.
     */
    static final int MAX_IN_FLIGHT = 2;

    static final int NEW = 0, SENT = 1, GIVEN_UP = 2;

    /** One submit: its encoded entry, the client it went out with, and its outcome once the leader applied it. */
    static final class Pending {
        final byte[] entry;
        final CompletableFuture<CommandCodec.Outcome> outcome = new CompletableFuture<>();
        volatile RaftClient sentWith;
        /** Went straight into this server (never sent again by a client). */
        volatile boolean sentDirect;
        /** Its submitter stopped waiting (and answered "not committed"): it must not be sent (again). */
        volatile boolean givenUp;
        /** NEW until the sender takes it for an entry (SENT) or its submitter gives up first (GIVEN_UP). */
        final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger(NEW);

        Pending(byte[] entry) {
            this.entry = entry;
        }
    }

    /** The leader answered, but not with success (its client was not at fault: it is kept). */
    static final class Refused extends RuntimeException {
        Refused(Throwable why) {
            super(String.valueOf(why), why);
        }
    }

    /** How an entry leaves: straight into this server when it leads, else through a Ratis client (named on each submit). */
    @FunctionalInterface
    interface Transport {
        CompletableFuture<RaftClientReply> send(byte[] entry, List<Pending> batch);
    }

    private final CommandCodec codec;
    private final Transport transport;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread sender;
    private volatile boolean closed;
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
    private final java.util.concurrent.atomic.AtomicLong entriesSent = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong commandsSent = new java.util.concurrent.atomic.AtomicLong();

    GroupCommit(CommandCodec codec, Transport transport, String name) {
        this.codec = codec;
        this.transport = transport;
        this.sender = new Thread(this::run, name);
        sender.setDaemon(true);
        sender.start();
    }

    Pending submit(byte[] entry) {
        Pending p = new Pending(entry);
        queue.add(p);
        if (closed && queue.remove(p)) throw new dev.yoq.state.NotCommittedException("this server's Raft peer is stopping", null);
        return p;
    }

    /**
     * The submitter of {@code p} stops waiting. Not taken yet: it never leaves (null). Taken: the client it went out
     * with, whose retries the caller must stop, or null when it went straight into this server (never resent).
     */
    RaftClient giveUp(Pending p) {
        p.givenUp = true;   // written before sentWith is read; the sender writes sentWith before reading this
        if (p.state.compareAndSet(NEW, GIVEN_UP)) {
            queue.remove(p);
            return null;
        }
        try {
            for (int i = 0; i < 100 && p.sentWith == null && !p.sentDirect; i++) Thread.sleep(10);   // taken, about to leave
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return p.sentWith;
    }

    /** Taken from the queue but too big for the batch it was taken for: the first of the next one. */
    private volatile Pending carried;

    private void run() {
        while (!closed) {
            Pending first = null;
            try {
                first = carried != null ? carried : queue.poll(500, TimeUnit.MILLISECONDS);
                carried = null;
                if (first == null) continue;
                // meanwhile later submits gather behind this one; bounded, so that an entry whose answer never came
                // (a client closed without failing it) cannot stop the sending for good
                boolean permit = inFlight.tryAcquire(RaftNode.COMMIT_WAIT_MS, TimeUnit.MILLISECONDS);
                List<Pending> batch = new ArrayList<>(List.of(first));
                int bytes = first.entry.length;
                while (batch.size() < MAX_COMMANDS) {
                    Pending next = queue.peek();
                    if (next == null || bytes + next.entry.length > MAX_BYTES) break;
                    Pending taken = queue.poll();   // not {@code next} when its submitter withdrew it meanwhile
                    if (taken == null) break;
                    if (bytes + taken.entry.length > MAX_BYTES) {
                        carried = taken;
                        break;
                    }
                    batch.add(taken);
                    bytes += taken.entry.length;
                }
                send(batch, permit);
            } catch (InterruptedException e) {
                if (first != null) first.outcome.completeExceptionally(new dev.yoq.state.NotCommittedException("this server's Raft peer stopped", null));
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {   // never let the sender die: the batch's submitters got the failure
                java.util.logging.Logger.getLogger(GroupCommit.class.getName()).warning("sending a log entry: " + e);
            }
        }
    }

    private void send(List<Pending> taken, boolean permit) {
        List<Pending> batch = new ArrayList<>();
        for (Pending p : taken) {
            if (p.state.compareAndSet(NEW, SENT)) batch.add(p);   // else its submitter gave up: nobody waits for it
        }
        if (batch.isEmpty()) {
            if (permit) inFlight.release();
            return;
        }
        entriesSent.incrementAndGet();
        commandsSent.addAndGet(batch.size());
        byte[] data = batch.size() == 1 ? batch.get(0).entry : CommandCodec.encodeBatch(batch.stream().map(p -> p.entry).toList());
        CompletableFuture<RaftClientReply> reply;
        try {
            reply = transport.send(data, batch);
        } catch (RuntimeException e) {
            if (permit) inFlight.release();
            batch.forEach(p -> p.outcome.completeExceptionally(e));
            return;
        }
        reply.whenComplete((r, failed) -> {
            if (permit) inFlight.release();
            complete(batch, r, failed);
        });
    }

    private void complete(List<Pending> batch, RaftClientReply reply, Throwable failed) {
        if (failed == null && !reply.isSuccess()) failed = new Refused(reply.getException());
        if (failed != null) {
            for (Pending p : batch) p.outcome.completeExceptionally(failed);
            return;
        }
        byte[] content = reply.getMessage().getContent().toByteArray();
        try {
            List<CommandCodec.Outcome> outcomes = batch.size() == 1 ? List.of(codec.decodeOutcome(content)) : codec.decodeOutcomes(content);
            if (outcomes.size() != batch.size()) throw new IllegalStateException(outcomes.size() + " outcomes for " + batch.size() + " commands");
            for (int i = 0; i < batch.size(); i++) batch.get(i).outcome.complete(outcomes.get(i));
        } catch (RuntimeException e) {
            for (Pending p : batch) p.outcome.completeExceptionally(e);
        }
    }

    /** {log entries sent, commands in them} since start. */
    long[] sent() {
        return new long[] {entriesSent.get(), commandsSent.get()};
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        Pending held = carried;
        if (held != null) held.outcome.completeExceptionally(new dev.yoq.state.NotCommittedException("this server's Raft peer stopped", null));
        for (Pending p; (p = queue.poll()) != null; ) {
            p.outcome.completeExceptionally(new dev.yoq.state.NotCommittedException("this server's Raft peer stopped", null));
        }
    }

}
