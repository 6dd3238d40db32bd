package dev.yoq.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.model.CertificateRecord;
import org.junit.jupiter.api.Test;

/** Certificates by command against real SQLite: one per domain, replaced in place, removal says whether there was one. */
class CertificateTransitionsTest extends BusTestBase {

    CertificateRecord find(String domain) {
        return db.inNewTransaction(em -> em.find(CertificateRecord.class, domain));
    }

    @Test
    void a_domain_has_one_certificate_replaced_in_place_keeping_its_creation_time() throws Exception {
        bus.submit(new Command.PutCertificate("example.test", "CERT1", "KEY1", 4_000_000_000L, "manual", 1_000));
        bus.submit(new Command.PutCertificate("other.test", "CERT", "KEY", 4_000_000_001L, "manual", 1_001));
        bus.submit(new Command.PutCertificate("example.test", "CERT2", "KEY2", 4_100_000_000L, "acme", 2_000));

        CertificateRecord r = find("example.test");
        assertThat(r.getCertPem()).isEqualTo("CERT2");
        assertThat(r.getKeyPem()).isEqualTo("KEY2");
        assertThat(r.getNotAfter()).isEqualTo(4_100_000_000L);
        assertThat(r.getSource()).isEqualTo("acme");
        assertThat(r.getCreatedAt()).isEqualTo(1_000);
        assertThat(r.getUpdatedAt()).isEqualTo(2_000);
        assertThat(db.count("SELECT COUNT(*) FROM certificates")).isEqualTo(2);
    }

    @Test
    void removal_says_whether_the_domain_had_a_certificate() throws Exception {
        bus.submit(new Command.PutCertificate("example.test", "CERT", "KEY", 4_000_000_000L, "manual", 1_000));
        assertThat(bus.submit(new Command.RemoveCertificate("example.test"))).isTrue();
        assertThat(bus.submit(new Command.RemoveCertificate("example.test"))).isFalse();
        assertThat(db.count("SELECT COUNT(*) FROM certificates")).isZero();
    }

    @Test
    void an_unknown_source_is_refused_and_the_command_never_shows_the_key() {
        assertThatThrownBy(() -> bus.submit(new Command.PutCertificate("example.test", "CERT", "KEY", 1L, "self", 1_000)))
                .isInstanceOf(CommandRejectedException.class).hasMessage("certificate source must be manual or acme, got self");
        assertThat(new Command.PutCertificate("example.test", "CERT", "SECRET-KEY", 1L, "manual", 1_000).toString())
                .contains("example.test").doesNotContain("SECRET-KEY").doesNotContain("CERT,");
    }
}
