package dev.yoq.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Keys that parse but do nothing yet are never accepted silently: one warning each, naming the key. */
class UnbuiltKeysTest {
    @Test
    void each_key_not_built_yet_gets_one_warning_naming_it() {
        String toml = """
                app = "x"
                [service.web]
                image = "nginx"
                replicas = 3
                required_labels = ["zone=a"]
                [service.web.http_proxy]
                host = "example.com"
                [service.web.tls]
                domain = "example.com"
                peer = "require"
                [service.web.tls.acme]
                email = "ops@example.com"
                [service.web.alerts]
                latency_p99_ms = 200
                error_rate_percent = 5
                [service.api]
                image = "nginx"
                [service.api.alerts]
                latency_p99_ms = 100
                [worker.w]
                image = "nginx"
                required_labels = ["zone=a"]
                [worker.w.gpu]
                count = 1
                [backup]
                every = "1h"
                output_dir = "/tmp/b"
                """;
        var result = ManifestLoader.parse(toml, "m.toml", "x", k -> null);
        assertThat(result.warnings()).filteredOn(w -> w.kind().equals(UnbuiltKeys.KIND)).extracting(Problem::path).containsExactlyInAnyOrder(
                "worker.w.gpu", "backup");
        assertThat(result.warnings()).as("service mTLS is built (the security issue)").noneMatch(w -> w.path().equals("service.web.tls.peer"));
        assertThat(result.warnings()).filteredOn(w -> w.kind().equals("NotMeasured")).extracting(Problem::path)
                .as("latency alerts are measured by the proxy: only a service no route reaches is warned about")
                .containsExactly("service.api.alerts.latency_p99_ms");
        assertThat(result.warnings()).as("replicas are built (the services issue)").noneMatch(w -> w.path().equals("service.web.replicas"));
        assertThat(result.warnings()).as("a service's required_labels place its replicas on a cluster, a worker's its runs")
                .noneMatch(w -> w.path().equals("service.web.required_labels") || w.path().equals("worker.w.required_labels"));
        assertThat(result.warnings()).as("routes and TLS termination are built (the edge issue)")
                .noneMatch(w -> w.path().equals("service.web.http_proxy") || w.path().equals("service.web.tls"));
        assertThat(ManifestLoader.parse("app = \"y\"\n[service.api]\nimage = \"nginx\"\n", "m.toml", "y", k -> null).warnings())
                .as("a manifest of built keys only").isEmpty();
        assertThat(result.warnings()).as("ACME is built: the server obtains the certificate after the release")
                .noneMatch(w -> w.path().startsWith("service.web.tls.acme"));
    }

    @Test
    void the_acme_dns_parts_not_built_are_warned_about() {
        String base = "app = \"x\"\n[service.web]\nimage = \"nginx\"\n[service.web.tls]\ndomain = \"example.com\"\n[service.web.tls.acme]\n"
                + "email = \"ops@example.com\"\nchallenge = \"dns-01\"\n[service.web.tls.acme.dns]\n";
        var cloudflare = ManifestLoader.parse(base + "provider = \"cloudflare\"\nsecrets = [\"api_token=cf\"]\nconfig = [\"zone_id=z\"]\n", "m.toml", "x",
                k -> null).warnings();
        assertThat(cloudflare).filteredOn(w -> w.kind().equals(UnbuiltKeys.KIND)).extracting(Problem::path)
                .as("the secrets are built (the exec hook gets them); the provider is not").containsExactly("service.web.tls.acme.dns.provider");
        var exec = ManifestLoader.parse(base + "provider = \"exec\"\nhook = [\"/usr/local/bin/dns-hook\"]\n", "m.toml", "x", k -> null).warnings();
        assertThat(exec).filteredOn(w -> w.kind().equals(UnbuiltKeys.KIND)).isEmpty();
    }
}
