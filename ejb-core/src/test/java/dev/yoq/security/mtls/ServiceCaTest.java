package dev.yoq.security.mtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceCaTest {
    static final Instant NOW = Instant.parse("2026-12-08T00:00:00Z");

    @Test
    void theCaIsAP256CaForTenYears() throws Exception {
        ServiceCa.Issued ca = ServiceCa.createCa(NOW);
        X509Certificate c = ca.cert();
        assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=yoq-cluster-ca");
        assertThat(c.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(c.getBasicConstraints()).as("a CA that signs leaves only").isEqualTo(0);
        assertThat(Duration.between(NOW, c.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(3650));
        c.verify(c.getPublicKey());   // self-signed
        assertThat(ca.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(ca.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void aLeafNamesItsServiceByItsSpiffeUriAndIsSignedByTheCa() throws Exception {
        ServiceCa.Issued ca = ServiceCa.createCa(NOW);
        ServiceCa.Issued leaf = ServiceCa.issue(ca, "shop-web", NOW);
        X509Certificate c = leaf.cert();
        c.verify(ca.cert().getPublicKey());
        assertThat(c.getIssuerX500Principal()).isEqualTo(ca.cert().getSubjectX500Principal());
        assertThat(c.getSubjectAlternativeNames()).containsExactly(List.of(6, "spiffe://yoq-cluster/service/shop-web"));
        assertThat(c.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1");
        assertThat(c.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(Duration.between(NOW, c.getNotAfter().toInstant())).isEqualTo(Duration.ofHours(24));
        assertThat(c.getNotBefore().toInstant()).isBefore(NOW);
        assertThat(ServiceCa.parse(leaf.certPem())).isEqualTo(c);
    }

    @Test
    void aLeafIsDueWhenAThirdOfItsLifeIsLeft() {
        ServiceCa.Issued ca = ServiceCa.createCa(NOW);
        X509Certificate leaf = ServiceCa.issue(ca, "a-b", NOW).cert();
        Instant from = leaf.getNotBefore().toInstant(), to = leaf.getNotAfter().toInstant();
        Duration third = Duration.between(from, to).dividedBy(3);
        assertThat(ServiceCa.due(leaf, NOW)).isFalse();
        assertThat(ServiceCa.due(leaf, to.minus(third).minusSeconds(1))).isFalse();
        assertThat(ServiceCa.due(leaf, to.minus(third))).isTrue();
        assertThat(ServiceCa.due(leaf, to.plusSeconds(1))).as("expired").isTrue();
        assertThat(ServiceCa.due(leaf, from.minusSeconds(1))).as("not valid yet (the clock went back)").isTrue();
    }

    @Test
    void aLeafFromAnotherCaDoesNotVerify() {
        X509Certificate leaf = ServiceCa.issue(ServiceCa.createCa(NOW), "a-b", NOW).cert();
        assertThatThrownBy(() -> leaf.verify(ServiceCa.createCa(NOW).cert().getPublicKey()))
                .isInstanceOf(java.security.SignatureException.class);
    }

    @Test
    void anyNameAnAppMayHaveBecomesOnePathSegmentAndOnlyEmptyOrControlCharactersAreRefused() throws Exception {
        ServiceCa.Issued ca = ServiceCa.createCa(NOW);
        assertThat(ServiceCa.issue(ca, "MyShop-web", NOW).cert().getSubjectAlternativeNames())
                .containsExactly(List.of(6, "spiffe://yoq-cluster/service/MyShop-web"));
        assertThat(ServiceCa.spiffeId("my app/x")).isEqualTo("spiffe://yoq-cluster/service/my%20app%2Fx");
        assertThat(ServiceCa.spiffeId("é")).isEqualTo("spiffe://yoq-cluster/service/%C3%A9");
        for (String bad : new String[] {"", "a\nb", "x".repeat(256), null}) {
            assertThatThrownBy(() -> ServiceCa.issue(ca, bad, NOW)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
