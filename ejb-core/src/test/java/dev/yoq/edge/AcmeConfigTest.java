package dev.yoq.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a request, the stored settings and the server's defaults make a domain's ACME settings; their JSON; account keys. */
class AcmeConfigTest {
    static final String LE = "https://acme-v02.api.letsencrypt.org/directory", STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";

    static AcmeRequest req(String email, Boolean staging, String dir, String challenge, String provider, List<String> hook, Long prop, Long poll) {
        return new AcmeRequest(email, staging, dir, challenge, provider, hook, prop, poll);
    }

    @Test
    void defaults_are_http01_the_servers_directory_and_email_then_admin_at_the_domain() {
        assertThat(AcmeConfig.resolve("a.test", AcmeRequest.NONE, null, LE, null))
                .isEqualTo(new AcmeConfig("admin@a.test", LE, "http-01", null, null, null, null));
        assertThat(AcmeConfig.resolve("a.test", AcmeRequest.NONE, null, LE, "ops@corp.test").email()).isEqualTo("ops@corp.test");
        assertThat(AcmeConfig.resolve("a.test", req(null, true, null, null, null, null, null, null), null, LE, null).directoryUrl()).isEqualTo(STAGING);
        assertThat(AcmeConfig.resolve("*.a.test", req(null, null, null, null, "exec", List.of("h"), null, null), null, LE, null))
                .isEqualTo(new AcmeConfig("admin@a.test", LE, "dns-01", "exec", List.of("h"), 300L, 5L));
    }

    @Test
    void renewal_keeps_the_stored_settings_and_the_request_replaces_fields() {
        AcmeConfig stored = new AcmeConfig("ops@a.test", "https://ca.test/dir", "dns-01", "exec", List.of("/bin/hook"), 60L, 2L);
        assertThat(AcmeConfig.resolve("a.test", AcmeRequest.NONE, stored, LE, "other@corp.test")).isEqualTo(stored);
        assertThat(AcmeConfig.resolve("a.test", req(null, null, null, null, null, null, null, 9L), stored, LE, null))
                .isEqualTo(new AcmeConfig("ops@a.test", "https://ca.test/dir", "dns-01", "exec", List.of("/bin/hook"), 60L, 9L));
        assertThat(AcmeConfig.resolve("a.test", req(null, null, null, "http-01", null, null, null, null), stored, LE, null))
                .isEqualTo(new AcmeConfig("ops@a.test", "https://ca.test/dir", "http-01", null, null, null, null));
    }

    @Test
    void what_cannot_work_is_refused() {
        assertThatThrownBy(() -> AcmeConfig.resolve("*.a.test", AcmeRequest.NONE, null, LE, null))
                .hasMessage("a wildcard certificate needs the dns-01 challenge (and a dns provider)");
        assertThatThrownBy(() -> AcmeConfig.resolve("a.test", req(null, null, null, "dns-01", null, null, null, null), null, LE, null))
                .hasMessage("the dns-01 challenge needs a dns provider (cloudflare, route53, gcloud or exec)");
        assertThatThrownBy(() -> AcmeConfig.resolve("a.test", req(null, null, null, null, "exec", null, null, null), null, LE, null))
                .hasMessage("the exec dns provider needs a hook command (dns_hook)");
    }

    @Test
    void settings_survive_their_json() {
        for (AcmeConfig c : List.of(new AcmeConfig("ops@a.test", LE, "http-01", null, null, null, null),
                new AcmeConfig("ops@a.test", LE, "dns-01", "exec", List.of("/bin/hook", "--zone", "a.test"), 300L, 5L))) {
            assertThat(AcmeConfig.fromJson(c.toJson())).isEqualTo(c);
        }
        assertThat(new AcmeConfig("ops@a.test", LE, "dns-01", "exec", List.of("h"), 300L, 5L).toJson()).isEqualTo("{\"email\":\"ops@a.test\","
                + "\"directory_url\":\"" + LE + "\",\"challenge\":\"dns-01\",\"provider\":\"exec\",\"hook\":[\"h\"],\"propagation_timeout_secs\":300,"
                + "\"poll_interval_secs\":5}");
        assertThatThrownBy(() -> AcmeConfig.fromJson("not json")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void an_account_key_pair_survives_its_pem_and_a_half_pair_is_refused() {
        KeyPair k = AcmeKeys.generate();
        String pem = AcmeKeys.pairPem(k);
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").contains("-----BEGIN PUBLIC KEY-----\n");
        KeyPair back = AcmeKeys.readPair(pem);
        assertThat(back.getPrivate().getEncoded()).isEqualTo(k.getPrivate().getEncoded());
        assertThat(back.getPublic().getEncoded()).isEqualTo(k.getPublic().getEncoded());
        assertThatThrownBy(() -> AcmeKeys.readPair(AcmeKeys.privateKeyPem(k))).hasMessage("an ACME account key needs a PRIVATE KEY and a PUBLIC KEY block");
    }

    @Test
    void a_manifests_tls_acme_becomes_a_request_with_its_secrets_by_name() {
        var http = new dev.yoq.manifest.Manifest.Acme("ops@a.test", LE, "http-01", null);
        assertThat(AcmeRequest.fromManifest(http)).isEqualTo(req("ops@a.test", null, LE, "http-01", null, null, null, null));
        var exec = new dev.yoq.manifest.Manifest.Acme("ops@a.test", LE, "dns-01", new dev.yoq.manifest.Manifest.AcmeDns("exec", List.of(), List.of(),
                List.of("/bin/hook", "x"), 60, 2));
        assertThat(AcmeRequest.fromManifest(exec)).isEqualTo(req("ops@a.test", null, LE, "dns-01", "exec", List.of("/bin/hook", "x"), 60L, 2L));
        var secrets = new dev.yoq.manifest.Manifest.Acme("ops@a.test", LE, "dns-01", new dev.yoq.manifest.Manifest.AcmeDns("exec",
                List.of(new dev.yoq.manifest.Manifest.KeyValue("token", "cf")), List.of(), List.of("/bin/hook"), 60, 2));
        AcmeRequest r = AcmeRequest.fromManifest(secrets);
        assertThat(r.dnsSecrets()).containsExactly(java.util.Map.entry("token", "cf"));
        AcmeConfig c = AcmeConfig.resolve("a.test", r, null, LE, null);
        assertThat(c.secrets()).containsExactly(java.util.Map.entry("token", "cf"));
        assertThat(AcmeConfig.fromJson(c.toJson())).as("stored by name, read back").isEqualTo(c);
        assertThat(AcmeConfig.resolve("a.test", AcmeRequest.NONE, c, LE, null).secrets()).as("a renewal keeps them").isEqualTo(c.secrets());
        assertThatThrownBy(() -> new AcmeRequest(null, null, null, "dns-01", "exec", List.of("/h"), null, null,
                java.util.Map.of("YOQ_ACME_VALUE", "cf")).check()).hasMessageStartingWith("dns_secrets: YOQ_ACME_VALUE is not a variable name");
        assertThatThrownBy(() -> new AcmeRequest(null, null, null, "dns-01", "exec", List.of("/h"), null, null,
                java.util.Map.of("TOKEN", "../x")).check()).hasMessage("dns_secrets: TOKEN: '../x' is not a secret name");
        assertThatThrownBy(() -> AcmeConfig.resolve("a.test", new AcmeRequest(null, null, null, null, null, null, null, null,
                java.util.Map.of("TOKEN", "cf")), null, LE, null)).as("secrets on an http-01 order are not dropped silently")
                .hasMessageContaining("dns_secrets are given to the exec DNS hook");
    }
}
