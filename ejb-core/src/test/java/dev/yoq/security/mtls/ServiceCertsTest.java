package dev.yoq.security.mtls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.security.SecretCipher;
import dev.yoq.security.SecretKeys;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.SqliteFixture;
import dev.yoq.state.StateMachine;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA and the leaves in a real SQLite database, keys sealed, with simulated time for rotation. */
class ServiceCertsTest {
    @TempDir
    Path dir;
    SqliteFixture db;
    EntityManager reads;
    CommandBus bus;
    ServiceCerts certs;

    @BeforeEach
    void wire() throws Exception {
        db = new SqliteFixture(dir);
        reads = db.emf.createEntityManager();
        bus = new CommandBus(new StateMachine(), db);
        SecretCipher cipher = new SecretCipher(dir.resolve("secrets.key"));
        certs = new ServiceCerts();
        certs.em = reads;
        certs.bus = bus;
        certs.keys = new SecretKeys() {
            @Override
            public SecretCipher cipher() {
                return cipher;
            }
        };
        certs.cluster = new dev.yoq.cluster.ClusterInfo();
    }

    @AfterEach
    void close() {
        if (reads != null) reads.close();
        if (db != null) db.close();
    }

    void service(String app, String name, String peer) {
        bus.submit(new Command.EnsureService(app, name, List.of(), 1, "10.43.0.0/16", "[]", null, peer, 1_000));
    }

    @Test
    void on_when_a_service_asks_for_peers_and_then_every_service_gets_a_leaf_rotated_at_a_third_of_its_life() throws Exception {
        service("shop", "db", "off");
        assertThat(certs.enabled()).as("nobody asked").isFalse();
        service("shop", "web", "require");
        assertThat(certs.enabled()).isTrue();
        assertThat(certs.caView()).as("made on first use").isNull();

        Instant t0 = Instant.parse("2026-12-08T00:00:00Z");
        assertThat(certs.ensureLeaf("shop-db", t0, true)).isTrue();
        ServiceCerts.CaView ca = certs.caView();
        assertThat(ca.certPem()).startsWith("-----BEGIN CERTIFICATE-----");
        ServiceCerts.LeafView first = certs.leafView("shop-db");
        assertThat(first.spiffeId()).isEqualTo("spiffe://yoq-cluster/service/shop-db");
        X509Certificate leaf = ServiceCa.parse(first.certPem());
        leaf.verify(ServiceCa.parse(ca.certPem()).getPublicKey());

        assertThat(certs.ensureLeaf("shop-db", t0.plus(Duration.ofHours(15)), true)).as("two thirds left").isFalse();
        assertThat(certs.ensureLeaf("shop-db", t0.plus(Duration.ofHours(17)), false)).as("only the issuer rotates").isFalse();
        assertThat(certs.ensureLeaf("shop-db", t0.plus(Duration.ofHours(17)), true)).isTrue();
        assertThat(certs.leafView("shop-db").certPem()).isNotEqualTo(first.certPem());
        assertThat(certs.caView()).as("one CA").isEqualTo(ca);

        // no key in the clear in the database
        String stored = new String(java.nio.file.Files.readAllBytes(dir.resolve("yoq.db")), StandardCharsets.ISO_8859_1)
                + (java.nio.file.Files.exists(dir.resolve("yoq.db-wal"))
                ? new String(java.nio.file.Files.readAllBytes(dir.resolve("yoq.db-wal")), StandardCharsets.ISO_8859_1) : "");
        assertThat(stored).contains("BEGIN CERTIFICATE").doesNotContain("PRIVATE KEY");
        assertThat(certs.ca().keyPkcs8()).as("the sealed CA key opens").isNotEmpty();

        // a service that went loses its leaf
        bus.submit(new Command.RemoveService("shop", "db"));
        certs.prune();
        assertThat(certs.leafView("shop-db")).isNull();
    }
}
