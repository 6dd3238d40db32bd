package dev.yoq.cluster.raft;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Snapshots of the replicated database with SQLite's online backup (sqlite-jdbc's {@code backup to} statement on
 * a live connection): consistent without stopping readers. A snapshot holds the whole file; installing one
 * replaces only the replicated tables ({@link #restoreTables}), so this node's own facts (its containers, leases,
 * images) survive a snapshot taken on another server.
 */
public final class SqliteSnapshots {

    /** Gives a connection to the replicated database (the server's datasource, or a test's DriverManager). */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    private final Connections connections;

    public SqliteSnapshots(Connections connections) {
        this.connections = connections;
    }

    public void backupTo(Path file) throws IOException {
        run("backup to " + quoted(file), "back up the database to " + file);
    }

    /**
     * Makes each of {@code tables} what it is in the snapshot {@code file}, in one transaction: its rows are
     * replaced by the snapshot's, copying the columns both sides have (a snapshot from an older schema leaves a
     * newer column to its default). Other tables are untouched.
     */
    public void restoreTables(Path file, List<String> tables) throws IOException {
        try (Connection c = connections.open(); Statement s = c.createStatement()) {
            s.executeUpdate("ATTACH DATABASE " + quoted(file) + " AS snap");
            try {
                c.setAutoCommit(false);
                try {
                    for (String table : tables) copyTable(c, s, table);
                    copySequences(s, tables);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } finally {
                s.executeUpdate("DETACH DATABASE snap");
            }
        } catch (SQLException e) {
            throw new IOException("cannot restore the replicated tables from " + file + ": " + e.getMessage(), e);
        }
    }

    private static void copyTable(Connection c, Statement s, String table) throws SQLException {
        Set<String> theirs = columns(s, "snap", table);
        List<String> shared = new ArrayList<>();
        for (String column : columns(s, "main", table)) if (theirs.contains(column)) shared.add('"' + column + '"');
        s.executeUpdate("DELETE FROM main.\"" + table + "\"");
        if (shared.isEmpty()) return;   // the snapshot predates the table: it was empty there
        String list = String.join(", ", shared);
        s.executeUpdate("INSERT INTO main.\"" + table + "\" (" + list + ") SELECT " + list + " FROM snap.\"" + table + "\"");
    }

    /** AUTOINCREMENT counters too: else the next insert would take another id here than on the leader. */
    private static void copySequences(Statement s, List<String> tables) throws SQLException {
        String names = tables.stream().map(t -> "'" + t.replace("'", "''") + "'").reduce((a, b) -> a + ", " + b).orElse("''");
        s.executeUpdate("DELETE FROM main.sqlite_sequence WHERE name IN (" + names + ")");
        s.executeUpdate("INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM snap.sqlite_sequence WHERE name IN (" + names + ")");
    }

    private static Set<String> columns(Statement s, String schema, String table) throws SQLException {
        Set<String> names = new LinkedHashSet<>();
        try (ResultSet rs = s.executeQuery("PRAGMA " + schema + ".table_info(\"" + table + "\")")) {
            while (rs.next()) names.add(rs.getString("name"));
        }
        return names;
    }

    private void run(String statement, String what) throws IOException {
        try (Connection c = connections.open(); Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        } catch (SQLException e) {
            throw new IOException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /** A quoted file name for sqlite-jdbc's parser, which strips the quotes and knows no escapes. */
    static String quoted(Path file) throws IOException {
        String path = file.toAbsolutePath().toString();
        if (path.indexOf('\'') >= 0) throw new IOException("snapshot path must not contain a quote: " + path);
        return "'" + path + "'";
    }
}
