package dev.yoq.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import dev.yoq.model.AuditEntry;
import dev.yoq.model.NodeRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Applies command sequences through the bus to a real SQLite file and reads the result back. */
class StateMachineTest extends BusTestBase {

    @Test
    void registeringAndStartingANodeIsReadBack() throws Exception {
        bus.submit(new Command.RegisterNode("a1b2c3d4e5f6", "server", "host-1", "0.3.0", 1_000L));
        long first = bus.submit(new Command.RecordServerStart("a1b2c3d4e5f6", "0.3.0", 1_000L));
        long second = bus.submit(new Command.RecordServerStart("a1b2c3d4e5f6", "0.3.1", 5_000L));

        assertThat(first).isEqualTo(1);
        assertThat(second).isEqualTo(2);
        NodeRecord node = db.inNewTransaction(em -> em.find(NodeRecord.class, "a1b2c3d4e5f6"));
        assertThat(node.getRole()).isEqualTo("server");
        assertThat(node.getHostname()).isEqualTo("host-1");
        assertThat(node.getCreatedAt()).isEqualTo(1_000L);
        assertThat(node.getLastStartedAt()).isEqualTo(5_000L);
        assertThat(node.getLastVersion()).isEqualTo("0.3.1");
        assertThat(node.getStartCount()).isEqualTo(2);
        assertThat(db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'server_start'")).isEqualTo(2);
    }

    @Test
    void auditEntriesGetIncreasingIds() {
        long a = bus.submit(new Command.RecordAudit("api-token", "secret_set", "db-password", "ok", 10L));
        long b = bus.submit(new Command.RecordAudit("ci", "app_apply", "shop", "failed", 11L));

        assertThat(b).isGreaterThan(a);
        AuditEntry entry = db.inNewTransaction(em -> em.find(AuditEntry.class, b));
        assertThat(entry.getActor()).isEqualTo("ci");
        assertThat(entry.getAction()).isEqualTo("app_apply");
        assertThat(entry.getTarget()).isEqualTo("shop");
        assertThat(entry.getOutcome()).isEqualTo("failed");
        assertThat(entry.getRecordedAt()).isEqualTo(11L);
    }

    @Test
    void aSecondNodeIdentityIsRefusedAndNothingChanges() throws Exception {
        bus.submit(new Command.RegisterNode("aaaaaaaaaaaa", "server", "h", "0.3.0", 1L));

        assertThatThrownBy(() -> bus.submit(new Command.RegisterNode("bbbbbbbbbbbb", "agent", "h", "0.3.0", 2L)))
                .isInstanceOf(CommandRejectedException.class)
                .hasMessageContaining("already belongs to node aaaaaaaaaaaa");
        assertThat(db.count("SELECT COUNT(*) FROM nodes")).isEqualTo(1);
    }

    @Test
    void startingAnUnknownNodeIsRefusedWithoutAnAuditRow() throws Exception {
        assertThatThrownBy(() -> bus.submit(new Command.RecordServerStart("nope", "0.3.0", 1L)))
                .isInstanceOf(CommandRejectedException.class)
                .hasMessageContaining("unknown node nope");
        assertThat(db.count("SELECT COUNT(*) FROM audit_log")).isZero();
    }

    @Test
    void replayingTheSameCommandsOnAnotherDatabaseGivesTheSameState(@TempDir Path other) throws Exception {
        var commands = java.util.List.<Command<?>>of(
                new Command.RegisterNode("c0ffee000001", "server", "h", "0.3.0", 1L),
                new Command.RecordServerStart("c0ffee000001", "0.3.0", 2L),
                new Command.RecordAudit("api-token", "token_create", "ci", "ok", 3L));
        try (SqliteFixture replica = new SqliteFixture(other)) {
            CommandBus replicaBus = new CommandBus(new StateMachine(), replica);
            for (Command<?> c : commands) {
                bus.submit(c);
                replicaBus.submit(c);
            }
            String dump = "SELECT group_concat(id || recorded_at || actor || action || target || outcome) FROM audit_log";
            try (var a = db.connect(); var b = replica.connect();
                 var ra = a.createStatement().executeQuery(dump); var rb = b.createStatement().executeQuery(dump)) {
                ra.next();
                rb.next();
                assertThat(ra.getString(1)).isNotEmpty().isEqualTo(rb.getString(1));
            }
        }
    }
}
