package dev.yoq.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import org.junit.jupiter.api.Test;

/** The bus retries SQLITE_BUSY from other processes with bounded backoff, and nothing else. */
class CommandBusRetryTest {

    /** Fails with a busy error a set number of times, then succeeds. */
    static final class BusyThenOk implements TransactionRunner {
        int failuresLeft;
        int calls;
        final RuntimeException failure;

        BusyThenOk(int failures, RuntimeException failure) {
            this.failuresLeft = failures;
            this.failure = failure;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> R inNewTransaction(Function<EntityManager, R> work) {
            calls++;
            if (failuresLeft-- > 0) {
                throw failure;
            }
            return (R) Long.valueOf(42);
        }
    }

    static RuntimeException busy() {
        return new PersistenceException("commit failed",
                new SQLException("[SQLITE_BUSY] The database file is locked (database is locked)", null, 5));
    }

    final List<Duration> sleeps = new ArrayList<>();

    @Test
    void retriesBusyWithDoublingBackoff() {
        BusyThenOk runner = new BusyThenOk(3, busy());
        CommandBus bus = new CommandBus(new StateMachine(), runner, Duration.ofSeconds(10), sleeps::add);

        long id = bus.submit(new Command.RecordAudit("a", "b", null, "ok", 1L));

        assertThat(id).isEqualTo(42);
        assertThat(runner.calls).isEqualTo(4);
        assertThat(sleeps).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40));
    }

    @Test
    void givesUpWhenTheBusyBudgetIsSpent() {
        BusyThenOk runner = new BusyThenOk(Integer.MAX_VALUE, busy());
        CommandBus bus = new CommandBus(new StateMachine(), runner, Duration.ofSeconds(2), sleeps::add);

        assertThatThrownBy(() -> bus.submit(new Command.RecordAudit("a", "b", null, "ok", 1L)))
                .hasRootCauseMessage("[SQLITE_BUSY] The database file is locked (database is locked)");
        assertThat(sleeps.stream().mapToLong(Duration::toMillis).sum()).isBetween(2000L, 2500L);
        assertThat(sleeps).allMatch(d -> d.toMillis() <= 500);
    }

    @Test
    void doesNotRetryOtherFailures() {
        BusyThenOk runner = new BusyThenOk(1, new CommandRejectedException("no"));
        CommandBus bus = new CommandBus(new StateMachine(), runner, Duration.ofSeconds(10), sleeps::add);

        assertThatThrownBy(() -> bus.submit(new Command.RecordAudit("a", "b", null, "ok", 1L)))
                .isInstanceOf(CommandRejectedException.class);
        assertThat(runner.calls).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void recognisesBusyAndLockedCodesAnywhereInTheChain() {
        assertThat(CommandBus.isBusy(new RuntimeException(new SQLException("x", null, 6)))).isTrue();
        assertThat(CommandBus.isBusy(new RuntimeException("wrapped", busy()))).isTrue();
        assertThat(CommandBus.isBusy(new RuntimeException(new SQLException("constraint", null, 19)))).isFalse();
    }
}
