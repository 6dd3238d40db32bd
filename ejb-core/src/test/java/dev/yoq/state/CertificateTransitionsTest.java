package dev.yoq.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.model.AcmeAccountRecord;
import dev.yoq.model.AcmeConfigRecord;
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

    @Test
    void acme_settings_need_the_certificate_are_replaced_in_place_and_go_with_it() throws Exception {
        assertThatThrownBy(() -> bus.submit(new Command.PutAcmeConfig("example.test", "{}", 1_000)))
                .isInstanceOf(CommandRejectedException.class).hasMessage("no certificate for example.test");
        bus.submit(new Command.PutCertificate("example.test", "CERT", "KEY", 4_000_000_000L, "acme", 1_000));
        bus.submit(new Command.PutAcmeConfig("example.test", "{\"a\":1}", 1_000));
        bus.submit(new Command.PutAcmeConfig("example.test", "{\"a\":2}", 2_000));
        AcmeConfigRecord r = db.inNewTransaction(em -> em.find(AcmeConfigRecord.class, "example.test"));
        assertThat(r.getConfigJson()).isEqualTo("{\"a\":2}");
        assertThat(r.getCreatedAt()).isEqualTo(1_000);
        assertThat(r.getUpdatedAt()).isEqualTo(2_000);

        bus.submit(new Command.RemoveCertificate("example.test"));   // the foreign key cascades
        assertThat(db.count("SELECT COUNT(*) FROM certificate_acme_config")).isZero();
    }

    @Test
    void a_certificate_installed_by_hand_drops_the_acme_settings_so_renewal_leaves_it_alone() throws Exception {
        bus.submit(new Command.PutCertificate("example.test", "CERT", "KEY", 4_000_000_000L, "acme", 1_000));
        bus.submit(new Command.PutAcmeConfig("example.test", "{}", 1_000));
        bus.submit(new Command.PutCertificate("example.test", "CERT2", "KEY2", 4_000_000_000L, "acme", 2_000));
        assertThat(db.count("SELECT COUNT(*) FROM certificate_acme_config")).isEqualTo(1);
        bus.submit(new Command.PutCertificate("example.test", "CERT3", "KEY3", 4_000_000_000L, "manual", 3_000));
        assertThat(db.count("SELECT COUNT(*) FROM certificate_acme_config")).isZero();
    }

    @Test
    void an_accounts_first_key_stays_and_later_commands_record_where_it_was_used() throws Exception {
        assertThat(bus.submit(new Command.PutAcmeAccount("ops@example.test", "https://ca.test/dir", "KEY1", null, 1_000))).isEqualTo("KEY1");
        assertThat(bus.submit(new Command.PutAcmeAccount("ops@example.test", "https://ca2.test/dir", "KEY2", "https://ca2.test/acct/7", 2_000)))
                .isEqualTo("KEY1");
        AcmeAccountRecord r = db.inNewTransaction(em -> em.find(AcmeAccountRecord.class, "ops@example.test"));
        assertThat(r.getKeyPem()).isEqualTo("KEY1");
        assertThat(r.getDirectoryUrl()).isEqualTo("https://ca2.test/dir");
        assertThat(r.getAccountUrl()).isEqualTo("https://ca2.test/acct/7");
        assertThat(r.getCreatedAt()).isEqualTo(1_000);
        assertThat(r.toString()).doesNotContain("KEY1");
        assertThat(new Command.PutAcmeAccount("ops@example.test", "https://ca.test/dir", "SECRET-KEY", null, 1).toString()).doesNotContain("SECRET-KEY");
    }
}
