package dev.yoq.cluster.raft;

import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.CommandRejectedException;
import dev.yoq.state.StateMachine;
import dev.yoq.state.TransactionRunner;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;

/**
 * Ratis' state machine on one server: each committed entry is decoded and applied through the same
 * {@link StateMachine} as on a single node, in one database transaction that also records the entry's index and
 * the command's outcome. An entry at or below the recorded index (a replay after restart) or with a command id
 * already applied (a submit retried after a leader change) changes nothing and answers the recorded outcome.
 *
 * <p>A command refused by the rules ({@link CommandRejectedException}, or an entry that cannot be decoded) is a
 * deterministic outcome: every server refuses it the same way, records it and moves on. Any other failure (disk,
 * database) is not, so it stops this server's applying rather than letting its database diverge.
 */
public final class CommandStateMachine extends BaseStateMachine {
    private static final Logger LOG = Logger.getLogger(CommandStateMachine.class.getName());

    private final StateMachine machine;
    private final TransactionRunner transactions;
    private final SqliteSnapshots snapshots;
    private final java.util.List<String> restoredTables;
    private final Exclusive exclusive;
    private final CommandCodec codec = new CommandCodec();
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Object appliedSignal = new Object();
    /** How long an apply waits out SQLITE_BUSY from another process (a backup, the sqlite3 shell). */
    private static final java.time.Duration BUSY_BUDGET = java.time.Duration.ofSeconds(10);

    public CommandStateMachine(StateMachine machine, TransactionRunner transactions, SqliteSnapshots snapshots) {
        this(machine, transactions, snapshots, dev.yoq.cluster.Replication.REPLICATED_TABLES);
    }

    public CommandStateMachine(StateMachine machine, TransactionRunner transactions, SqliteSnapshots snapshots,
                               java.util.List<String> restoredTables) {
        this(machine, transactions, snapshots, restoredTables, java.util.function.Supplier::get);
    }

    /** Runs work as the database's only writer (the server passes its command bus's lock). */
    @FunctionalInterface
    public interface Exclusive {
        <T> T run(java.util.function.Supplier<T> work);
    }

    /**
     * {@code restoredTables}: what installing a snapshot replaces (the replicated tables; tests may add theirs);
     * {@code exclusive}: how the restore keeps other writers out.
     */
    public CommandStateMachine(StateMachine machine, TransactionRunner transactions, SqliteSnapshots snapshots,
                               java.util.List<String> restoredTables, Exclusive exclusive) {
        this.exclusive = exclusive;
        this.restoredTables = java.util.List.copyOf(restoredTables);
        this.machine = machine;
        this.transactions = transactions;
        this.snapshots = snapshots;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        catchUpFromSnapshot();
    }

    @Override
    public void reinitialize() throws IOException {
        // Called after a snapshot was installed from the leader: the database becomes that snapshot.
        catchUpFromSnapshot();
    }

    /** The database is the state; a snapshot newer than what it applied (installed, or a lost database) wins. */
    private void catchUpFromSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        long[] applied = transactions.inNewTransaction(AppliedLog::lastApplied);
        if (snapshot != null && snapshot.getIndex() > applied[1]) {
            LOG.info(() -> "restoring the replicated database from snapshot " + snapshot.getTermIndex());
            restore(snapshot.getFile().getPath());
            applied = transactions.inNewTransaction(AppliedLog::lastApplied);
        }
        setLastAppliedTermIndex(TermIndex.valueOf(applied[0], applied[1]));
        signalApplied();
    }

    /** The snapshot's replicated tables, as the only writer, waiting out SQLITE_BUSY from other processes. */
    private void restore(java.nio.file.Path file) throws IOException {
        try {
            exclusive.run(() -> CommandBus.retryWhileBusy(() -> {
                try {
                    snapshots.restoreTables(file, restoredTables);
                    return null;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, BUSY_BUDGET, CommandBus.THREAD_SLEEP));
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        byte[] outcome;
        try {
            outcome = apply(entry.getTerm(), entry.getIndex(), entry.getStateMachineLogEntry().getLogData().toByteArray());
        } catch (RuntimeException e) {
            LOG.severe("cannot apply log entry " + entry.getIndex() + "; this server stops applying: " + e);
            return CompletableFuture.failedFuture(e);
        }
        // After a crash Ratis replays its log from its last snapshot, behind what the database already applied:
        // those entries were answered from the database above and must not move the applied index back.
        if (entry.getIndex() > appliedIndex()) updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        signalApplied();
        return CompletableFuture.completedFuture(Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(outcome)));
    }

    /** Configuration and leader entries during a replay are behind the database too (see applyTransaction). */
    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        if (index > appliedIndex()) super.notifyTermIndexUpdated(term, index);
    }

    private byte[] apply(long term, long index, byte[] data) {
        CommandCodec.Decoded decoded;
        try {
            decoded = codec.decodeAll(data);
        } catch (IllegalArgumentException bad) {
            byte[] refusal = codec.encodeRejection(index, bad.getMessage());
            markAppliedOutside(term, index);
            return refusal;
        }
        List<byte[]> outcomes = applyAll(term, index, decoded.entries());
        return decoded.batch() ? codec.encodeOutcomes(index, outcomes) : outcomes.get(0);
    }

    /** The entry's commands in one transaction; when one is refused, each in a transaction of its own. */
    private List<byte[]> applyAll(long term, long index, List<CommandCodec.Entry> entries) {
        try {
            return CommandBus.retryWhileBusy(() -> transactions.inNewTransaction(em -> {
                if (AppliedLog.lastApplied(em)[1] >= index) return replayed(em, entries, index);
                AppliedLog.markApplied(em, term, index);
                List<byte[]> out = new ArrayList<>();
                for (CommandCodec.Entry e : entries) {
                    out.add(applyOne(em, term, index, e));
                    if (entries.size() > 1) {   // the next command starts from the database, as it would alone
                        em.flush();
                        em.clear();
                    }
                }
                return out;
            }), BUSY_BUDGET, CommandBus.THREAD_SLEEP);
        } catch (CommandRejectedException | IllegalArgumentException refused) {
            // the refused command's writes must not stay, the others' must: the transaction above rolled back
            return oneByOne(term, index, entries);
        }
    }

    /**
     * A retry of a command applied before gets its first outcome (its id is kept); a deposed leader's decision is
     * {@link Fenced}; anything else is applied and its outcome recorded.
     */
    private byte[] applyOne(jakarta.persistence.EntityManager em, long term, long index, CommandCodec.Entry e) {
        if (e.problem() != null) throw new CommandRejectedException(e.problem());
        String previous = AppliedLog.outcomeOf(em, e.commandId());
        if (previous != null) return previous.getBytes(StandardCharsets.UTF_8);
        if (e.leaderTerm() > 0 && e.leaderTerm() != term) throw new Fenced(e, term);
        byte[] result = codec.encodeResult(index, machine.apply(e.command(), em));
        AppliedLog.recordOutcome(em, e.commandId(), index, new String(result, StandardCharsets.UTF_8));
        return result;
    }

    /**
     * The slow path of an entry holding a refused command. After a crash half way, the entry is applied again:
     * the commands done already answer from their recorded outcomes, so none is applied twice.
     */
    private List<byte[]> oneByOne(long term, long index, List<CommandCodec.Entry> entries) {
        List<byte[]> out = new ArrayList<>();
        for (CommandCodec.Entry e : entries) {
            byte[] outcome;
            try {
                outcome = CommandBus.retryWhileBusy(() -> transactions.inNewTransaction(em -> applyOne(em, term, index, e)),
                        BUSY_BUDGET, CommandBus.THREAD_SLEEP);
            } catch (Fenced fenced) {
                outcome = recordRefusal(e.commandId(), index, codec.encodeFenced(index, fenced.getMessage()));
            } catch (CommandRejectedException | IllegalArgumentException refused) {
                outcome = recordRefusal(e.commandId(), index, codec.encodeRejection(index, refused.getMessage()));
            }
            out.add(outcome);
        }
        markAppliedOutside(term, index);
        return out;
    }

    /**
     * A leader's decision that another leader appended: the leader of an earlier term decided it on what it saw then
     * (Ratis' client forwards a deposed leader's submits), so it must not land. The entry's term is the same on every
     * server, and so is this refusal. A rejection, so the container's transaction passes it through unwrapped.
     */
    private static final class Fenced extends CommandRejectedException {
        Fenced(CommandCodec.Entry entry, long term) {
            super(entry.command().getClass().getSimpleName() + " was decided by the leader of term " + entry.leaderTerm()
                    + ", which no longer leads (committed in term " + term + ")");
        }
    }

    /** A refused command's outcome, in a transaction of its own (the command's writes were rolled back). */
    private byte[] recordRefusal(String commandId, long index, byte[] outcome) {
        if (commandId == null || commandId.isEmpty()) return outcome;
        transactions.inNewTransaction(em -> {
            if (AppliedLog.outcomeOf(em, commandId) == null) {
                AppliedLog.recordOutcome(em, commandId, index, new String(outcome, StandardCharsets.UTF_8));
            }
            return null;
        });
        return outcome;
    }

    /** A refused or undecodable entry still advances the applied index. */
    private void markAppliedOutside(long term, long index) {
        transactions.inNewTransaction(em -> {
            if (AppliedLog.lastApplied(em)[1] < index) AppliedLog.markApplied(em, term, index);
            return null;
        });
    }

    private static List<byte[]> replayed(jakarta.persistence.EntityManager em, List<CommandCodec.Entry> entries, long index) {
        List<byte[]> out = new ArrayList<>();
        for (CommandCodec.Entry e : entries) {
            String previous = AppliedLog.outcomeOf(em, e.commandId());
            out.add(previous != null ? previous.getBytes(StandardCharsets.UTF_8)
                    : ("{\"index\":" + index + ",\"result\":null}").getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) return -1;
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        File tmp = new File(file.getParentFile(), file.getName() + ".tmp");
        snapshots.backupTo(tmp.toPath());
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        LOG.info(() -> "snapshot of the replicated database at " + last);
        return last.getIndex();
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        // A linearizable read barrier: Ratis calls this after the read index is applied here.
        return CompletableFuture.completedFuture(Message.valueOf(Long.toString(getLastAppliedTermIndex().getIndex())));
    }

    /** Waits until this server has applied {@code index} (read-your-writes for its own submits). */
    public boolean awaitApplied(long index, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (appliedSignal) {
            while (appliedIndex() < index) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) return false;
                appliedSignal.wait(left);
            }
            return true;
        }
    }

    /** The term of the last entry applied here (configuration and leader entries included). */
    public long appliedTerm() {
        TermIndex t = getLastAppliedTermIndex();
        return t == null ? 0 : t.getTerm();
    }

    public long appliedIndex() {
        TermIndex t = getLastAppliedTermIndex();
        return t == null ? -1 : t.getIndex();
    }

    private void signalApplied() {
        synchronized (appliedSignal) {
            appliedSignal.notifyAll();
        }
    }

}
