package dev.yoq.state.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Brings a database to the newest schema this yoq knows, one migration per transaction, and records each in
 * {@code schema_version} (version, description, checksum, applied_at) so that later starts, {@code yoq restore}
 * and humans can tell which schema a file holds. Refuses a database from a newer yoq and one whose applied
 * migrations no longer match their files, instead of guessing.
 */
public final class SchemaMigrator {

    private final List<Migration> migrations;
    private final LongSupplier clock;

    public SchemaMigrator(List<Migration> migrations, LongSupplier clock) {
        this.migrations = List.copyOf(migrations);
        this.clock = clock;
    }

    /** Applies pending migrations; returns the schema version the database is at afterwards. */
    public int migrate(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        try {
            connection.setAutoCommit(true);
            try (Statement s = connection.createStatement()) {
                s.executeUpdate("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                        + "description TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)");
            }
            Map<Integer, String> applied = applied(connection);
            checkCompatible(applied);
            for (Migration m : migrations) {
                if (!applied.containsKey(m.version())) {
                    apply(connection, m);
                }
            }
            return currentVersion(connection);
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The highest applied version, 0 for an empty database. */
    public static int currentVersion(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void checkCompatible(Map<Integer, String> applied) {
        int newestKnown = migrations.get(migrations.size() - 1).version();
        for (var e : applied.entrySet()) {
            if (e.getKey() > newestKnown) {
                throw new SchemaException("the database is at schema version " + e.getKey()
                        + " but this yoq knows only up to " + newestKnown
                        + ": run a newer yoq, or restore a backup taken by this version");
            }
        }
        for (Migration m : migrations) {
            String checksum = applied.get(m.version());
            if (checksum != null && !checksum.equals(m.checksum())) {
                throw new SchemaException("schema migration " + m.version() + " (" + m.description()
                        + ") was changed after it was applied to this database; restore the original migration");
            }
        }
    }

    private void apply(Connection connection, Migration m) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            for (String sql : m.statements()) {
                s.executeUpdate(sql);
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO schema_version (version, description, checksum, applied_at) VALUES (?, ?, ?, ?)")) {
                insert.setInt(1, m.version());
                insert.setString(2, m.description());
                insert.setString(3, m.checksum());
                insert.setLong(4, clock.getAsLong());
                insert.executeUpdate();
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw new SchemaException("schema migration " + m.version() + " (" + m.description() + ") failed: "
                    + e.getMessage(), e);
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static Map<Integer, String> applied(Connection connection) throws SQLException {
        Map<Integer, String> out = new TreeMap<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, checksum FROM schema_version")) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getString(2));
            }
        }
        return out;
    }

    /** The schema cannot be brought up to date; the message says why and what to do. */
    public static final class SchemaException extends RuntimeException {
        public SchemaException(String message) {
            super(message);
        }

        public SchemaException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
