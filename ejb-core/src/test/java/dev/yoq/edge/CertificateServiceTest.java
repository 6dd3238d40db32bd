package dev.yoq.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.model.AuditEntry;
import dev.yoq.state.CommandBus;
import dev.yoq.state.SqliteFixture;
import dev.yoq.state.StateMachine;
import jakarta.persistence.EntityManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store over real SQLite and the command bus, as the server wires it (reads outside a transaction). */
class CertificateServiceTest {
    @TempDir Path dir;
    SqliteFixture db;
    EntityManager reads;
    CertificateService store;

    @BeforeEach
    void open() throws Exception {
        db = new SqliteFixture(dir);
        reads = db.emf.createEntityManager();
        store = new CertificateService();
        store.em = reads;
        store.bus = new CommandBus(new StateMachine(), db);
    }

    @AfterEach
    void close() {
        reads.close();
        db.close();
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
