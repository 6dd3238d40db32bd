package dev.yoq.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.cluster.raft.SqliteSnapshots;
import dev.yoq.state.Command;
import dev.yoq.state.SqliteFixture;
import dev.yoq.state.StateMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationTest {
    @TempDir Path dir;

    @Test
    void every_table_of_the_schema_is_either_replicated_or_node_local_never_both() throws Exception {
        Files.createDirectories(dir.resolve("a"));
        try (SqliteFixture db = new SqliteFixture(dir.resolve("a"))) {
            List<String> tables = new ArrayList<>();
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' "
                         + "AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version'")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            Set<String> both = new HashSet<>(Replication.REPLICATED_TABLES);
            both.retainAll(Replication.NODE_LOCAL_TABLES);
            assertThat(both).isEmpty();
            List<String> classified = new ArrayList<>(Replication.REPLICATED_TABLES);
            classified.addAll(Replication.NODE_LOCAL_TABLES);
            assertThat(classified).containsExactlyInAnyOrderElementsOf(tables);
        }
    }

    @Test
    void shared_decisions_replicate_and_what_runs_on_a_node_stays_there() {
        assertThat(Replication.replicated(new Command.SetPolicy("web", "db", "allow", "me", 1))).isTrue();
        assertThat(Replication.replicated(new Command.PutCertificate("a.test", "c", "k", 1, "manual", 1))).isTrue();
        assertThat(Replication.replicated(new Command.MarkAppDown("shop", 1))).isTrue();
        assertThat(Replication.replicated(new Command.RecordAudit("me", "a", "t", "ok", 1))).isFalse();
        assertThat(Replication.replicated(new Command.RemoveContainer("c1"))).isFalse();
        assertThat(Replication.replicated(new Command.RemoveImage("i1"))).isFalse();
    }

    @Test
    void installing_a_snapshot_replaces_the_replicated_tables_and_keeps_the_nodes_own() throws Exception {
        Files.createDirectories(dir.resolve("leader"));
        Files.createDirectories(dir.resolve("follower"));
        StateMachine machine = new StateMachine();
        try (SqliteFixture leader = new SqliteFixture(dir.resolve("leader"));
             SqliteFixture follower = new SqliteFixture(dir.resolve("follower"))) {
            leader.inNewTransaction(em -> machine.apply(new Command.SetPolicy("web", "db", "allow", "me", 1), em));
            leader.inNewTransaction(em -> machine.apply(new Command.SetPolicy("web", "cache", "allow", "me", 2), em));
            follower.inNewTransaction(em -> machine.apply(new Command.SetPolicy("stale", "db", "deny", "me", 1), em));
            follower.inNewTransaction(em -> machine.apply(new Command.RecordAudit("follower", "run", "c1", "ok", 3), em));
            Path snapshot = dir.resolve("snapshot.db");
            new SqliteSnapshots(leader::connect).backupTo(snapshot);

            new SqliteSnapshots(follower::connect).restoreTables(snapshot, Replication.REPLICATED_TABLES);

            assertThat(follower.count("SELECT count(*) FROM network_policies")).isEqualTo(2);
            assertThat(follower.count("SELECT count(*) FROM network_policies WHERE source_service = 'stale'")).isZero();
            // its own audit rows stay (the leader's were not copied: the audit log is each node's)
            assertThat(follower.count("SELECT count(*) FROM audit_log WHERE actor = 'follower'")).isEqualTo(1);
            assertThat(follower.count("SELECT count(*) FROM audit_log WHERE action = 'policy_add' AND target LIKE 'web%'")).isZero();
        }
    }
}
