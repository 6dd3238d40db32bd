package dev.yoq.state.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigratorTest {

    @TempDir
    Path dir;

    Connection open() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("yoq.db"));
    }

    static List<String> tables(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (var rs = c.createStatement().executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @Test
    void aFreshDatabaseGetsTheWholeSchemaAndItsVersion() throws Exception {
        try (Connection c = open()) {
            int version = new SchemaMigrator(Migrations.all(), () -> 77L).migrate(c);

            assertThat(version).isEqualTo(Migrations.latestVersion()).isEqualTo(Migrations.all().size());
            assertThat(tables(c)).contains("schema_version", "nodes", "audit_log", "containers", "images",
                    "deployments");
            try (var rs = c.createStatement().executeQuery(
                    "SELECT description, applied_at, checksum FROM schema_version ORDER BY version")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("foundation");
                assertThat(rs.getLong(2)).isEqualTo(77L);
                assertThat(rs.getString(3)).hasSize(64);
            }
        }
    }

    @Test
    void runningAgainChangesNothing() throws Exception {
        try (Connection c = open()) {
            new SchemaMigrator(Migrations.all(), () -> 1L).migrate(c);
            c.createStatement().executeUpdate("INSERT INTO audit_log (recorded_at, actor, action) VALUES (1, 'a', 'b')");

            int version = new SchemaMigrator(Migrations.all(), () -> 2L).migrate(c);

            assertThat(version).isEqualTo(Migrations.latestVersion());
            try (var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM audit_log")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void pendingMigrationsApplyInOrderOnTopOfOldOnes() throws Exception {
        int next = Migrations.latestVersion() + 1;
        List<Migration> v2 = new ArrayList<>(Migrations.all());
        v2.add(new Migration(next, "widgets", "CREATE TABLE widgets (id INTEGER PRIMARY KEY);\n"
                + "-- a comment\nCREATE INDEX widgets_id ON widgets (id);\n"));
        try (Connection c = open()) {
            new SchemaMigrator(Migrations.all(), () -> 1L).migrate(c);
            assertThat(new SchemaMigrator(v2, () -> 2L).migrate(c)).isEqualTo(next);
            assertThat(tables(c)).contains("widgets");
        }
    }

    @Test
    void aFailingMigrationLeavesNoTraceAndNamesItself() throws Exception {
        int next = Migrations.latestVersion() + 1;
        List<Migration> broken = new ArrayList<>(Migrations.all());
        broken.add(new Migration(next, "half", "CREATE TABLE half (id INTEGER);\nTHIS IS NOT SQL;\n"));
        try (Connection c = open()) {
            new SchemaMigrator(Migrations.all(), () -> 1L).migrate(c);

            assertThatThrownBy(() -> new SchemaMigrator(broken, () -> 2L).migrate(c))
                    .isInstanceOf(SchemaMigrator.SchemaException.class)
                    .hasMessageContaining("schema migration " + next + " (half) failed");
            assertThat(tables(c)).doesNotContain("half");
            assertThat(SchemaMigrator.currentVersion(c)).isEqualTo(Migrations.latestVersion());
        }
    }

    @Test
    void aDatabaseFromANewerYoqIsRefused() throws Exception {
        try (Connection c = open()) {
            new SchemaMigrator(Migrations.all(), () -> 1L).migrate(c);
            int future = Migrations.latestVersion() + 1;
            c.createStatement().executeUpdate(
                    "INSERT INTO schema_version VALUES (" + future + ", 'future', 'x', 3)");

            assertThatThrownBy(() -> new SchemaMigrator(Migrations.all(), () -> 2L).migrate(c))
                    .hasMessageContaining("schema version " + future)
                    .hasMessageContaining("knows only up to " + Migrations.latestVersion());
        }
    }

    @Test
    void aMigrationEditedAfterItWasAppliedIsRefused() throws Exception {
        try (Connection c = open()) {
            new SchemaMigrator(Migrations.all(), () -> 1L).migrate(c);
            List<Migration> edited = new ArrayList<>(Migrations.all());
            edited.set(0, new Migration(1, "foundation", Migrations.all().get(0).sql() + "\n-- edited\n"));

            assertThatThrownBy(() -> new SchemaMigrator(edited, () -> 2L).migrate(c))
                    .hasMessageContaining("was changed after it was applied");
        }
    }

    @Test
    void statementsAreSplitAtLineEndSemicolonsWithoutComments() {
        Migration m = new Migration(1, "x", "-- head\nCREATE TABLE a (\n  x TEXT DEFAULT ';'\n);\nCREATE INDEX i ON a (x);\n");

        assertThat(m.statements()).containsExactly("CREATE TABLE a (\n  x TEXT DEFAULT ';'\n)", "CREATE INDEX i ON a (x)");
    }
}
