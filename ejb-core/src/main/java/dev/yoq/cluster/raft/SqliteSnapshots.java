package dev.yoq.cluster.raft;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Snapshots of the replicated database with SQLite's online backup (sqlite-jdbc's {@code backup to} and
 * {@code restore from} statements on a live connection): consistent without stopping readers.
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

    public void restoreFrom(Path file) throws IOException {
        run("restore from " + quoted(file), "restore the database from " + file);
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
