package dev.yoq.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.model.AuditEntry;
import dev.yoq.state.CommandBus;
import dev.yoq.state.StateMachine;
import dev.yoq.state.TransactionRunner;
import dev.yoq.state.schema.Migrations;
import dev.yoq.state.schema.SchemaMigrator;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store over real SQLite and the command bus, as the server wires it (reads outside a transaction). */
class CertificateServiceTest {
    @TempDir Path dir;
    EntityManagerFactory emf;
    EntityManager reads;
    CertificateService store;

    @BeforeEach
    void open() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("yoq.db") + "?journal_mode=WAL&busy_timeout=5000&foreign_keys=true";
        try (Connection c = DriverManager.getConnection(url)) {
            new SchemaMigrator(Migrations.all(), () -> 0L).migrate(c);
        }
        emf = Persistence.createEntityManagerFactory("yoq-se", Map.of("jakarta.persistence.jdbc.url", url));
        reads = emf.createEntityManager();
        store = new CertificateService();
        store.em = reads;
        store.bus = new CommandBus(new StateMachine(), new Transactions());
    }

    @AfterEach
    void close() {
        reads.close();
        emf.close();
    }

    /** A resource-local stand-in for the container's JTA transactions. */
    final class Transactions implements TransactionRunner {
        @Override
        public <R> R inNewTransaction(Function<EntityManager, R> work) {
            EntityManager em = emf.createEntityManager();
            try {
                em.getTransaction().begin();
                R result = work.apply(em);
                em.getTransaction().commit();
                return result;
            } finally {
                if (em.getTransaction().isActive()) em.getTransaction().rollback();
                em.close();
            }
        }
    }

    @Test
    void installed_certificates_are_listed_without_keys_and_handed_with_keys_only_by_all() {
        store.install("WWW.example.test", CertificatePemTest.pem("rsa.crt"), CertificatePemTest.pem("rsa-pkcs1.key"));
        store.install("example.test", CertificatePemTest.pem("ec.crt"), CertificatePemTest.pem("ec.key"));

        List<CertificateService.Summary> list = store.list();
        assertThat(list).extracting(CertificateService.Summary::domain).containsExactly("example.test", "www.example.test");
        assertThat(list.get(0).source()).isEqualTo("manual");
        assertThat(list.get(0).notAfter()).isEqualTo(CertificatePem.check("example.test", CertificatePemTest.pem("ec.crt"),
                CertificatePemTest.pem("ec.key"), CertificatePemTest.NOW).notAfter());
        assertThat(list.get(0).createdAt()).as("milliseconds, like every table").isGreaterThan(1_000_000_000_000L);

        List<CertificateService.Stored> all = store.all();
        assertThat(all.get(1).keyPem()).as("stored as PKCS#8").startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(all.get(1).certPem()).isEqualTo(CertificatePemTest.pem("rsa.crt"));
        assertThat(all.toString()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void reinstalling_replaces_and_removing_says_whether_there_was_one_each_change_audited() {
        store.install("example.test", CertificatePemTest.pem("ec.crt"), CertificatePemTest.pem("ec.key"));
        long created = store.list().get(0).createdAt();
        store.install("example.test", CertificatePemTest.pem("rsa.crt"), CertificatePemTest.pem("rsa.key"));
        assertThat(store.list()).hasSize(1);
        assertThat(store.list().get(0).createdAt()).isEqualTo(created);
        assertThat(store.all().get(0).certPem()).isEqualTo(CertificatePemTest.pem("rsa.crt"));

        assertThat(store.remove("EXAMPLE.test")).isTrue();
        assertThat(store.remove("example.test")).isFalse();
        assertThat(store.list()).isEmpty();
        List<String> audit = reads.createQuery("SELECT a FROM AuditEntry a ORDER BY a.id", AuditEntry.class)
                .setHint("eclipselink.refresh", "true").getResultList().stream().map(a -> a.getAction() + " " + a.getTarget()).toList();
        assertThat(audit).containsExactly("certificate_install example.test", "certificate_install example.test",
                "certificate_remove example.test");
    }

    @Test
    void what_cannot_be_stored_is_invalid_with_the_check_message() {
        assertThatThrownBy(() -> store.install("nope.test", CertificatePemTest.pem("rsa.crt"), CertificatePemTest.pem("rsa.key")))
                .isInstanceOfSatisfying(CertificateStoreException.class, e -> assertThat(e.kind()).isEqualTo(CertificateStoreException.Kind.INVALID))
                .hasMessageStartingWith("certificate for nope.test: the certificate does not cover nope.test");
        assertThatThrownBy(() -> store.remove("a/b")).isInstanceOf(CertificateStoreException.class).hasMessageStartingWith("invalid domain: 'a/b'");
        assertThat(store.list()).isEmpty();
    }

    @Test
    void an_issued_certificate_is_stored_as_acme_with_its_settings_until_one_is_installed_by_hand() {
        AcmeConfig config = new AcmeConfig("ops@example.test", "https://ca.test/dir", "http-01", null, null, null, null);
        store.storeIssued("example.test", CertificatePemTest.pem("ec.crt"), CertificatePemTest.pem("ec.key"), config, "local", "certificate_renew");
        assertThat(store.list().get(0).source()).isEqualTo("acme");
        assertThat(store.acmeConfigs()).containsExactly(Map.entry("example.test", config));
        assertThatThrownBy(() -> store.storeIssued("nope.test", CertificatePemTest.pem("ec.crt"), CertificatePemTest.pem("ec.key"), config, "local", "x"))
                .isInstanceOfSatisfying(CertificateStoreException.class, e -> assertThat(e.kind()).isEqualTo(CertificateStoreException.Kind.INVALID))
                .hasMessageStartingWith("the CA's certificate is not usable: certificate for nope.test: the certificate does not cover nope.test");

        store.install("example.test", CertificatePemTest.pem("ec.crt"), CertificatePemTest.pem("ec.key"));
        assertThat(store.list().get(0).source()).isEqualTo("manual");
        assertThat(store.acmeConfigs()).isEmpty();
    }
}
