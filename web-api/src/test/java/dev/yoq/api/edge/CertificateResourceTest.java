package dev.yoq.api.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.api.limits.BodyTooLargeException;
import dev.yoq.edge.AcmeConfig;
import dev.yoq.edge.AcmeRenewals;
import dev.yoq.edge.AcmeRequest;
import dev.yoq.edge.AcmeService;
import dev.yoq.edge.CertificatePem;
import dev.yoq.edge.CertificateService;
import dev.yoq.edge.CertificateStoreException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The routes' shapes over a stand-in store (the checks themselves are CertificatePemTest's). */
class CertificateResourceTest {
    final List<String> calls = new ArrayList<>();
    final CertificateResource resource = new CertificateResource();

    CertificateResourceTest() {
        resource.certificates = new CertificateService() {
            @Override
            public List<Summary> list() {
                return List.of(new Summary("a.test", 4_000_000_000L, "acme", 1_700_000_000_123L, 1_700_000_001_000L),
                        new Summary("b.test", 4_000_000_001L, "manual", 1_700_000_002_999L, 1_700_000_002_999L));
            }

            @Override
            public CertificatePem.Checked install(String domain, String certPem, String keyPem, String actor) {
                calls.add("install " + domain + " " + certPem + " " + keyPem);
                return new CertificatePem.Checked(domain.toLowerCase(), 4_000_000_000L, certPem, keyPem);
            }

            @Override
            public boolean remove(String domain, String actor) {
                calls.add("remove " + domain);
                return domain.equals("a.test");
            }

            @Override
            public List<Stored> all() {
                throw new AssertionError("no route may read keys");
            }

            @Override
            public Map<String, AcmeConfig> acmeConfigs() {
                return Map.of("a.test", new AcmeConfig("ops@a.test", "https://ca.test/dir", "dns-01", "exec", List.of("/bin/hook"), 300L, 5L));
            }
        };
        resource.acme = new AcmeService() {
            @Override
            public Map<String, AcmeRenewals.Failure> renewalFailures() {
                return Map.of("a.test", new AcmeRenewals.Failure("ACME order for a.test: challenge dns-01 invalid: no TXT", 1_700_000_000_000L,
                        1_700_003_600_000L, 3_600_000L));
            }

            @Override
            public Result provision(String domain, AcmeRequest request, String actor) {
                calls.add("provision " + domain + " " + request);
                return new Result(domain.toLowerCase(), 4_000_000_000L);
            }

            @Override
            public Result renew(String domain, AcmeRequest request, String actor) {
                calls.add("renew " + domain + " " + request);
                return new Result(domain.toLowerCase(), 4_000_000_001L);
            }
        };
    }

    static ByteArrayInputStream body(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void the_list_has_the_acme_settings_and_renewal_failure_in_seconds_and_no_key_material() {
        assertThat(resource.list().toString()).isEqualTo("[{\"domain\":\"a.test\",\"not_after\":4000000000,\"source\":\"acme\","
                + "\"created_at\":1700000000,\"managed\":true,\"challenge\":\"dns-01\",\"directory_url\":\"https://ca.test/dir\",\"provider\":\"exec\","
                + "\"propagation_timeout_secs\":300,\"poll_interval_secs\":5,\"renewal_error\":\"ACME order for a.test: challenge dns-01 invalid: no TXT\","
                + "\"renewal_retry_at\":1700003600},{\"domain\":\"b.test\",\"not_after\":4000000001,"
                + "\"source\":\"manual\",\"created_at\":1700000002,\"managed\":false,\"challenge\":null,\"directory_url\":null,"
                + "\"provider\":null,\"propagation_timeout_secs\":null,\"poll_interval_secs\":null,\"renewal_error\":null,\"renewal_retry_at\":null}]");
    }

    @Test
    void provision_and_renew_parse_the_body_and_answer_issued_with_the_expiry() throws Exception {
        assertThat(resource.provision("A.test", body("{\"email\":\"ops@a.test\",\"staging\":true}")).toString())
                .isEqualTo("{\"status\":\"issued\",\"domain\":\"a.test\",\"not_after\":4000000000}");
        assertThat(resource.renew("a.test", body("")).toString()).isEqualTo("{\"status\":\"issued\",\"domain\":\"a.test\",\"not_after\":4000000001}");
        assertThat(calls).containsExactly("provision A.test " + new AcmeRequest("ops@a.test", true, null, null, null, null, null, null),
                "renew a.test " + AcmeRequest.NONE);
    }

    @Test
    void a_bad_acme_body_is_refused_before_anything_runs() {
        assertThatThrownBy(() -> resource.provision("a.test", body("{\"dns_provider\":\"exec\"}")))
                .isInstanceOfSatisfying(CertificateStoreException.class, e -> assertThat(e.kind()).isEqualTo(CertificateStoreException.Kind.INVALID))
                .hasMessage("the exec dns provider needs a hook command (dns_hook)");
        assertThat(calls).isEmpty();
    }

    @Test
    void install_takes_domain_cert_and_key_and_answers_the_expiry() throws Exception {
        assertThat(resource.install(body("{\"domain\":\"A.test\",\"cert\":\"C\",\"key\":\"K\"}")).toString())
                .isEqualTo("{\"status\":\"ok\",\"domain\":\"a.test\",\"not_after\":4000000000}");
        assertThat(calls).containsExactly("install A.test C K");
    }

    @Test
    void a_missing_or_mistyped_field_is_named() {
        for (String[] c : new String[][] {{"{\"cert\":\"C\",\"key\":\"K\"}", "missing domain"}, {"{\"domain\":\"a.test\",\"key\":\"K\"}", "missing cert"},
                {"{\"domain\":\"a.test\",\"cert\":\"C\",\"key\":null}", "missing key"}, {"{\"domain\":\" \",\"cert\":\"C\",\"key\":\"K\"}", "missing domain"},
                {"{\"domain\":\"a.test\",\"cert\":[\"C\"],\"key\":\"K\"}", "cert must be a string"}, {"", "missing domain"}}) {
            assertThatThrownBy(() -> resource.install(body(c[0]))).as(c[0])
                    .isInstanceOfSatisfying(CertificateStoreException.class, e -> assertThat(e.kind()).isEqualTo(CertificateStoreException.Kind.INVALID))
                    .hasMessage(c[1]);
        }
        assertThat(calls).isEmpty();
    }

    @Test
    void a_body_over_128_kib_is_refused_before_it_is_parsed() {
        String big = "{\"domain\":\"a.test\",\"cert\":\"" + "A".repeat(CertificateResource.MAX_BODY) + "\",\"key\":\"K\"}";
        assertThatThrownBy(() -> resource.install(body(big))).isInstanceOf(BodyTooLargeException.class);
        assertThat(calls).isEmpty();
    }

    @Test
    void remove_answers_removed_404_for_an_unknown_domain_and_400_for_a_bad_one() {
        assertThat(resource.remove("A.test").toString()).isEqualTo("{\"status\":\"removed\"}");
        assertThatThrownBy(() -> resource.remove("b.test"))
                .isInstanceOfSatisfying(CertificateStoreException.class, e -> assertThat(e.kind()).isEqualTo(CertificateStoreException.Kind.NOT_FOUND))
                .hasMessage("certificate not found: b.test");
        assertThatThrownBy(() -> resource.remove("a..test"))
                .isInstanceOfSatisfying(CertificateStoreException.class, e -> assertThat(e.kind()).isEqualTo(CertificateStoreException.Kind.INVALID))
                .hasMessageStartingWith("invalid domain: 'a..test'");
        assertThat(calls).containsExactly("remove a.test", "remove b.test");
    }
}
