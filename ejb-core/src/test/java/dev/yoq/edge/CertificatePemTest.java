package dev.yoq.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Certificate and key checks against real PEMs made with openssl (src/test/resources/certs: self-signed, valid for
 * 100 years except expired.crt, which lived one day from 2026-12-06T14:05:35Z).
 */
class CertificatePemTest {
    static final Instant NOW = Instant.parse("2027-06-01T00:00:00Z");

    static String pem(String name) {
        try (InputStream in = CertificatePemTest.class.getResourceAsStream("/certs/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CertificatePem.Checked check(String domain, String cert, String key) {
        return CertificatePem.check(domain, pem(cert), pem(key), NOW);
    }

    @Test
    void rsa_and_ec_pairs_for_their_domain_are_accepted_with_the_leaf_expiry_and_normalized_pems() {
        CertificatePem.Checked rsa = check("Example.TEST", "rsa.crt", "rsa.key");
        assertThat(rsa.domain()).isEqualTo("example.test");
        assertThat(rsa.notAfter()).isEqualTo(Instant.parse("2126-11-12T14:05:35Z").getEpochSecond());
        assertThat(rsa.certPem()).isEqualTo(pem("rsa.crt"));   // openssl writes the same canonical 64-column PEM
        assertThat(rsa.keyPem()).isEqualTo(pem("rsa.key"));
        assertThat(rsa.toString()).doesNotContain("PRIVATE");

        assertThat(check("example.test", "ec.crt", "ec.key").keyPem()).isEqualTo(pem("ec.key"));
        assertThat(check("www.example.test", "rsa.crt", "rsa.key").domain()).isEqualTo("www.example.test");
        assertThat(CertificatePem.check("example.test", pem("rsa.crt"), pem("rsa.key"), Instant.now()).domain()).isEqualTo("example.test");
    }

    @Test
    void traditional_openssl_keys_are_stored_as_pkcs8() {
        CertificatePem.Checked rsa = check("example.test", "rsa.crt", "rsa-pkcs1.key");
        assertThat(rsa.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(CertificatePem.check("example.test", rsa.certPem(), rsa.keyPem(), NOW).keyPem()).isEqualTo(rsa.keyPem());

        String ecWithParameters = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + pem("ec-sec1.key");
        CertificatePem.Checked ec = CertificatePem.check("example.test", pem("ec.crt"), ecWithParameters, NOW);
        assertThat(ec.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(CertificatePem.check("example.test", ec.certPem(), ec.keyPem(), NOW).domain()).isEqualTo("example.test");
    }

    @Test
    void a_key_of_another_certificate_is_refused() {
        assertThatThrownBy(() -> check("example.test", "rsa.crt", "other.key"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("certificate for example.test: the key does not match the certificate");
        assertThatThrownBy(() -> check("example.test", "rsa.crt", "ec.key")).hasMessage("certificate for example.test: the key does not match the certificate");
        assertThatThrownBy(() -> check("example.test", "ec.crt", "expired.key")).hasMessage("certificate for example.test: the key does not match the certificate");
    }

    @Test
    void the_leaf_must_cover_the_domain_by_san_exactly_or_by_a_one_label_wildcard() {
        assertThatThrownBy(() -> check("nope.test", "rsa.crt", "rsa.key"))
                .hasMessage("certificate for nope.test: the certificate does not cover nope.test (it names example.test, www.example.test)");
        assertThat(check("a.example.test", "wildcard.crt", "wildcard.key").domain()).isEqualTo("a.example.test");
        assertThat(check("*.example.test", "wildcard.crt", "wildcard.key").domain()).isEqualTo("*.example.test");
        assertThatThrownBy(() -> check("example.test", "wildcard.crt", "wildcard.key"))
                .hasMessage("certificate for example.test: the certificate does not cover example.test (it names *.example.test)");
        assertThatThrownBy(() -> check("a.b.example.test", "wildcard.crt", "wildcard.key"))
                .hasMessageContaining("does not cover a.b.example.test");
        assertThatThrownBy(() -> check("*.example.test", "rsa.crt", "rsa.key")).hasMessageContaining("does not cover *.example.test");
    }

    @Test
    void the_common_name_counts_only_without_dns_names() {
        assertThat(check("cn.example.test", "cn-only.crt", "cn-only.key").domain()).isEqualTo("cn.example.test");
        assertThatThrownBy(() -> check("example.test", "cn-only.crt", "cn-only.key"))
                .hasMessage("certificate for example.test: the certificate does not cover example.test (it names cn.example.test)");
        // rsa.crt's CN is example.test too, but its SANs decide
        assertThat(CertificatePem.covers("*.example.test", "x.example.test")).isTrue();
        assertThat(CertificatePem.covers("*.example.test", "example.test")).isFalse();
        assertThat(CertificatePem.covers("a*.example.test", "ab.example.test")).as("partial-label wildcards are not honoured").isFalse();
    }

    @Test
    void an_expired_leaf_is_refused_by_the_clock_given() {
        Instant tenDaysAfter = Instant.parse("2026-12-17T14:05:35Z");
        assertThatThrownBy(() -> CertificatePem.check("example.test", pem("expired.crt"), pem("expired.key"), tenDaysAfter))
                .hasMessage("certificate for example.test: the certificate expired on 2026-12-07T14:05:35Z");
        assertThat(CertificatePem.check("example.test", pem("expired.crt"), pem("expired.key"), Instant.parse("2026-12-07T00:00:00Z")).notAfter())
                .isEqualTo(Instant.parse("2026-12-07T14:05:35Z").getEpochSecond());
    }

    @Test
    void a_chain_is_kept_leaf_first_up_to_ten_certificates_and_text_around_blocks_is_dropped() {
        String chain = "subject=CN = example.test\n" + pem("rsa.crt") + "Bag Attributes\n" + pem("ec.crt") + pem("rsa.key");
        assertThat(CertificatePem.check("example.test", chain, pem("rsa.key"), NOW).certPem()).isEqualTo(pem("rsa.crt") + pem("ec.crt"));
        assertThatThrownBy(() -> CertificatePem.check("example.test", pem("rsa.crt").repeat(11), pem("rsa.key"), NOW))
                .hasMessage("certificate for example.test: the chain has more than 10 certificates");
        assertThatThrownBy(() -> CertificatePem.check("example.test", pem("ec.crt") + pem("rsa.crt"), pem("rsa.key"), NOW))
                .as("the key is checked against the first certificate").hasMessageContaining("the key does not match");
    }

    @Test
    void what_is_not_a_certificate_or_a_usable_key_is_refused_saying_what_to_do() {
        assertThatThrownBy(() -> check("example.test", "rsa.key", "rsa.key"))
                .hasMessage("certificate for example.test: no certificate in the certificate PEM (expected -----BEGIN CERTIFICATE-----)");
        assertThatThrownBy(() -> check("example.test", "rsa.crt", "rsa.crt"))
                .hasMessage("certificate for example.test: no private key in the key PEM (expected -----BEGIN PRIVATE KEY-----)");
        assertThatThrownBy(() -> CertificatePem.check("example.test", pem("rsa.crt"), pem("rsa.key") + pem("ec.key"), NOW))
                .hasMessageContaining("the key PEM holds 2 private keys");
        assertThatThrownBy(() -> CertificatePem.check("example.test", pem("rsa.crt"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n", NOW))
                .hasMessageContaining("the key is encrypted").hasMessageContaining("`openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> CertificatePem.check("example.test", pem("rsa.crt"),
                "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n", NOW))
                .hasMessageContaining("the key cannot be read").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> CertificatePem.check("example.test", "-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----\n", pem("rsa.key"), NOW))
                .hasMessage("certificate for example.test: certificate 1 of the chain cannot be read (not valid base64)");
        assertThatThrownBy(() -> CertificatePem.check("example.test", "-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n", pem("rsa.key"), NOW))
                .hasMessageStartingWith("certificate for example.test: certificate 1 of the chain cannot be read");
        assertThatThrownBy(() -> CertificatePem.check("example.test", pem("rsa.crt").substring(0, 200), pem("rsa.key"), NOW))
                .hasMessage("certificate for example.test: malformed PEM: -----BEGIN CERTIFICATE----- has no -----END CERTIFICATE-----");
        assertThatThrownBy(() -> CertificatePem.check("example.test", null, null, NOW)).hasMessageContaining("no certificate");
    }

    @Test
    void pems_are_bounded() {
        String padding = "#".repeat(CertificatePem.MAX_CERT_BYTES);
        assertThatThrownBy(() -> CertificatePem.check("example.test", pem("rsa.crt") + padding, pem("rsa.key"), NOW))
                .hasMessage("certificate for example.test: the certificate PEM is larger than 64 KiB");
        assertThatThrownBy(() -> CertificatePem.check("example.test", pem("rsa.crt"), pem("rsa.key") + "#".repeat(CertificatePem.MAX_KEY_BYTES), NOW))
                .hasMessage("certificate for example.test: the key PEM is larger than 16 KiB");
        assertThatThrownBy(() -> CertificatePem.check("example.test", pem("rsa.crt"), pem("rsa.key") + "é".repeat(8 * 1024), NOW))
                .as("counted in bytes, not characters").hasMessageContaining("larger than 16 KiB");
    }

    @Test
    void domains_are_dns_names_with_an_optional_leading_wildcard() {
        String label = "a".repeat(63);
        String longest = String.join(".", label, label, label, "a".repeat(61));
        assertThat(longest).hasSize(253);
        for (String ok : new String[] {"example.test", "localhost", "xn--bcher-kva.example", "a-b.c1.test", "*.example.test", "EXAMPLE.test", longest}) {
            assertThat(CertificatePem.domain(ok)).as(ok).isEqualTo(ok.toLowerCase(java.util.Locale.ROOT));
        }
        for (String bad : new String[] {"", "-a.test", "a-.test", "a..test", ".test", "test.", "a_b.test", "*.", "*", "a.*.test", "*a.test",
                "ex ample.test", "a.test/x", "b" + label + ".test", longest + "a", "é.test"}) {
            assertThatThrownBy(() -> CertificatePem.domain(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("invalid domain: '");
        }
        assertThatThrownBy(() -> CertificatePem.domain(null)).hasMessageStartingWith("invalid domain: ''");
        assertThatThrownBy(() -> CertificatePem.check("bad_domain", pem("rsa.crt"), pem("rsa.key"), NOW))
                .hasMessage("invalid domain: 'bad_domain' (a DNS name of letters, digits, hyphens and dots, at most 253 characters, "
                        + "optionally starting with *.)");
    }
}
