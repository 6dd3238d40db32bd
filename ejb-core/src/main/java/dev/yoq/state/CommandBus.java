package dev.yoq.state;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one way to change state. On a single server it applies commands locally, in submission order, one at a
 * time. In a cluster the commands that decide shared state go through the replicated log instead ({@link
 * #replicateThrough}): every server applies them through the same state machine, each under this bus's writer
 * lock ({@link #exclusively}), while this node's own facts (its containers, images, audit) stay local commands.
 *
 * <p>Being the only writer is also how yoq avoids SQLite's "database is locked": a transaction that reads and
 * then writes fails at once with SQLITE_BUSY when another connection holds the write lock, whatever the busy
 * timeout. With every write going through this bus, no two yoq transactions write at the same time; readers use
 * WAL snapshots and never block. SQLITE_BUSY can then only come from another process (a backup, the sqlite3
 * shell), so it is retried with backoff for a bounded time.
 */
public final class CommandBus {

    /** How the bus waits between retries; tests pass a recording sleeper. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(10);
    private static final Duration MAX_BACKOFF = Duration.ofMillis(500);

    private final ReentrantLock writer = new ReentrantLock(true);
    private final StateMachine machine;
    private final TransactionRunner transactions;
    private final Duration busyBudget;
    private final Sleeper sleeper;

    public CommandBus(StateMachine machine, TransactionRunner transactions) {
        this(machine, transactions, Duration.ofSeconds(10), THREAD_SLEEP);
    }

    public CommandBus(StateMachine machine, TransactionRunner transactions, Duration busyBudget, Sleeper sleeper) {
        this.machine = machine;
        this.transactions = transactions;
        this.busyBudget = busyBudget;
        this.sleeper = sleeper;
    }

    /**
     * Where a cluster sends its replicated commands: the Raft log, which returns the result its apply gave;
     * {@code asLeader} as in {@link #submitAsLeader}.
     */
    @FunctionalInterface
    public interface Replicator {
        <R> R submit(Command<R> command, boolean asLeader);
    }

    private volatile Replicator replicator;
    private volatile java.util.function.Predicate<Command<?>> replicated = c -> false;

    /** From now on the commands {@code which} accepts go through {@code log} (cluster mode). */
    public void replicateThrough(Replicator log, java.util.function.Predicate<Command<?>> which) {
        this.replicated = which;
        this.replicator = log;
    }

    /**
     * Applies {@code command} durably and returns its result, or throws {@link CommandRejectedException}. A
     * replicated command returns once this server applied it; the writer lock is not held meanwhile, because the
     * log's applier takes it.
     */
    public <R> R submit(Command<R> command) {
        return submit(command, false);
    }

    /**
     * Submits a decision only the cluster's leader may make (placements, a release's steps on agents, the offline
     * rule, cron slots). In a cluster it lands only if it commits in the term in which this server led when it
     * decided; a deposed leader's decision, made on what it saw then, is refused by every server even though
     * Ratis' client forwards it to the new leader ({@link LeadershipLostException}). The leadership term is the
     * fence: one leader per term, and within a server its threads are ordered by {@code AppRollouts}' claims. On a
     * single node the same as {@link #submit}.
     */
    public <R> R submitAsLeader(Command<R> command) {
        return submit(command, true);
    }

    private <R> R submit(Command<R> command, boolean asLeader) {
        Replicator log = replicator;
        if (log != null && replicated.test(command)) return log.submit(command, asLeader);
        writer.lock();
        try {
            return applyRetryingWhileBusy(command);
        } finally {
            writer.unlock();
        }
    }

    /** Runs {@code work} as the only writer: how the replicated log's applier shares this server's database. */
    public <T> T exclusively(java.util.function.Supplier<T> work) {
        writer.lock();
        try {
            return work.get();
        } finally {
            writer.unlock();
        }
    }

    private <R> R applyRetryingWhileBusy(Command<R> command) {
        return retryWhileBusy(() -> transactions.inNewTransaction(em -> machine.apply(command, em)), busyBudget, sleeper);
    }

    /** Sleeps on the calling thread: what the bus uses outside tests. */
    public static final Sleeper THREAD_SLEEP = d -> TimeUnit.MILLISECONDS.sleep(d.toMillis());

    /**
     * Runs {@code work} (one transaction), again while it fails with SQLITE_BUSY, backing off 10 ms doubling to
     * 500 ms for at most {@code budget}; any other failure, or busy past the budget, is thrown. Shared by the bus
     * and the replicated log's applier.
     */
    public static <T> T retryWhileBusy(java.util.function.Supplier<T> work, Duration budget, Sleeper sleeper) {
        Duration waited = Duration.ZERO;
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            try {
                return work.get();
            } catch (RuntimeException e) {
                if (!isBusy(e) || waited.compareTo(budget) >= 0) {
                    throw e;
                }
            }
            try {
                sleeper.sleep(backoff);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the database was busy", interrupted);
            }
            waited = waited.plus(backoff);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** SQLITE_BUSY (5) or SQLITE_LOCKED (6) anywhere in the cause chain, however the container wrapped it. */
    public static boolean isBusy(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException sql && (sql.getErrorCode() == 5 || sql.getErrorCode() == 6)) {
                return true;
            }
            String m = c.getMessage();
            if (m != null && (m.contains("SQLITE_BUSY") || m.contains("database is locked"))) {
                return true;
            }
        }
        return false;
    }
}
