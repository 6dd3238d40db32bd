package dev.yoq.state;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.Function;

import dev.yoq.state.schema.Migrations;
import dev.yoq.state.schema.SchemaMigrator;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;

/**
 * A real SQLite file with the server's pragmas (WAL, busy timeout, foreign keys), migrated to the current schema,
 * and a resource-local EclipseLink unit over it: the component-test stand-in for Liberty's datasource and JTA.
 */
public final class SqliteFixture implements AutoCloseable, TransactionRunner {

    public final String url;
    public final EntityManagerFactory emf;

    public SqliteFixture(Path dir) throws SQLException {
        url = "jdbc:sqlite:" + dir.resolve("yoq.db")
                + "?journal_mode=WAL&busy_timeout=5000&foreign_keys=true&synchronous=NORMAL";
        try (Connection c = connect()) {
            new SchemaMigrator(Migrations.all(), () -> 0L).migrate(c);
        }
        emf = Persistence.createEntityManagerFactory("yoq-se", Map.of("jakarta.persistence.jdbc.url", url));
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    @Override
    public <R> R inNewTransaction(Function<EntityManager, R> work) {
        EntityManager em = emf.createEntityManager();
        try {
            em.getTransaction().begin();
            R result = work.apply(em);
            em.flush();
            em.getTransaction().commit();
            return result;
        } finally {
            if (em.getTransaction().isActive()) {
                em.getTransaction().rollback();
            }
            em.close();
        }
    }

    public long count(String sql) throws SQLException {
        try (Connection c = connect(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        emf.close();
    }
}
