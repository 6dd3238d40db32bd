package dev.yoq.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which certificates the 12-hourly check renews, and the backoff of a failing one (1 h doubling to 12 h). */
class AcmeRenewalsTest {
    static final long NOW = 1_800_000_000_000L, DAY = 86_400;

    static CertificateService.Summary cert(String domain, long expiresInDays, String source) {
        return new CertificateService.Summary(domain, NOW / 1000 + expiresInDays * DAY, source, 0, 0);
    }

    @Test
    void acme_certificates_with_settings_within_30_days_are_due() {
        List<CertificateService.Summary> certs = List.of(cert("soon.test", 29, "acme"), cert("later.test", 31, "acme"),
                cert("manual.test", 1, "manual"), cert("nosettings.test", 1, "acme"), cert("expired.test", -2, "acme"));
        assertThat(AcmeRenewals.due(certs, Set.of("soon.test", "later.test", "manual.test", "expired.test"), Map.of(), NOW))
                .containsExactly("soon.test", "expired.test");
    }

    @Test
    void a_failure_backs_off_from_one_hour_doubling_to_twelve() {
        AcmeRenewals.Failure f = AcmeRenewals.failed(null, "CA down", NOW);
        assertThat(f).isEqualTo(new AcmeRenewals.Failure("CA down", NOW, NOW + 3_600_000L, 3_600_000L));
        long[] expected = {2, 4, 8, 12, 12};
        for (long hours : expected) {
            f = AcmeRenewals.failed(f, "CA down", NOW);
            assertThat(f.backoffMs()).isEqualTo(hours * 3_600_000L);
        }
        List<CertificateService.Summary> certs = List.of(cert("soon.test", 1, "acme"));
        Map<String, AcmeRenewals.Failure> failing = Map.of("soon.test", AcmeRenewals.failed(null, "x", NOW));
        assertThat(AcmeRenewals.due(certs, Set.of("soon.test"), failing, NOW + 3_599_999L)).isEmpty();
        assertThat(AcmeRenewals.due(certs, Set.of("soon.test"), failing, NOW + 3_600_000L)).containsExactly("soon.test");
    }
}
