package dev.yoq.manifest;

import static dev.yoq.manifest.Manifests.assertError;
import static dev.yoq.manifest.Manifests.errors;
import static dev.yoq.manifest.Manifests.load;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** HTTP routing (§3.9) and TLS/ACME (§3.8) rules. */
class RoutesAndTlsTest {

    static final String API = "[service.api]\nimage = \"x\"\n[service.api-canary]\nimage = \"x\"\n[service.shadow]\nimage = \"x\"\n";

    @Test
    void httpProxyIsOneDefaultRouteToItsService() {
        var r = load(API + "[service.api.http_proxy]\nhost = \"demo.local\"\n").services().get(0).httpRoutes();
        assertThat(r).hasSize(1);
        assertThat(r.get(0).name()).isEqualTo("default");
        assertThat(r.get(0).pathPrefix()).isEqualTo("/");
        assertThat(r.get(0).backendServices()).containsExactly(new Manifest.Backend("api", 100));
        assertThat(r.get(0).preserveHost()).isTrue();
        assertThat(r.get(0).retryOn5xx()).isTrue();
        assertThat(r.get(0).connectTimeoutMs()).isEqualTo(1000);
    }

    @Test
    void routeRules() {
        String p = API + "[service.api.http_proxy]\nhost = \"demo.local\"\n";
        assertError(p + "[service.api.http_routes.x]\nhost = \"a\"\n", "InvalidHttpProxyConfig");
        assertThat(errors(p + "backend_services = [\"api=90\", \"api-canary=20\"]\n"))
                .containsExactly("InvalidHttpProxyConfig service.api.http_proxy.backend_services: weights must add up to 100, got 110");
        assertError(p + "mirror_service = \"api\"\n", "InvalidHttpProxyConfig");
        assertError(p + "backend_services = [\"api=50\", \"shadow=50\"]\nmirror_service = \"shadow\"\n", "InvalidHttpProxyConfig");
        assertError(p + "match_methods = [\"GET\", \"GET\"]\n", "InvalidHttpProxyConfig");
        assertError(p + "match_methods = [\"get\"]\n", "InvalidHttpProxyConfig");
        assertError(p + "match_headers = [\"x-env=a\", \"X-Env=b\"]\n", "InvalidHttpProxyConfig");
        assertError(p + "backend_services = [\"api=50\", \"api=50\"]\n", "InvalidHttpProxyConfig");
        assertError(p + "backend_services = []\n", "InvalidHttpProxyConfig");
        assertError(p + "retries = 6\n", "InvalidHttpProxyConfig");
        assertError(p + "path_prefix = \"api\"\n", "InvalidHttpProxyConfig");
        assertError(p + "circuit_breaker_threshold = 11\n", "InvalidHttpProxyConfig");
        assertError(API + "[service.api.http_proxy]\npath_prefix = \"/\"\n", "InvalidHttpProxyConfig");
        assertThat(errors(API + "[service.api.http_routes]\nmain = \"demo.local\"\n")).containsExactly(
                "InvalidHttpProxyConfig service.api.http_routes.main: expected a table [service.api.http_routes.main], got a string",
                "InvalidHttpProxyConfig service.api.http_routes: needs at least one [service.api.http_routes.<name>] table");
    }

    @Test
    void twoRoutesMatchingTheSameRequestsAreRefused() {
        String routes = API + "[service.api.http_routes.a]\nhost = \"Demo.local\"\npath_prefix = \"/x\"\n"
                + "[service.api.http_routes.b]\nhost = \"demo.LOCAL\"\npath_prefix = \"/x\"\n";
        assertThat(errors(routes)).containsExactly("InvalidHttpProxyConfig service.api.http_routes.b: another route of 'api' "
                + "matches the same host, path_prefix, methods and headers");
        assertThat(errors(routes.replace("path_prefix = \"/x\"\n[service", "path_prefix = \"/y\"\n[service"))).isEmpty();
    }

    @Test
    void namedRoutesKeepTheirOrderAndDetails() {
        var routes = load(API + "[service.api.http_routes.root]\nhost = \"demo.local\"\n"
                + "[service.api.http_routes.admin]\nhost = \"demo.local\"\npath_prefix = \"/admin\"\npreserve_host = false\n"
                + "match_headers = [\"X-Env = canary\"]\nmatch_methods = [\" GET\", \"POST\"]\n"
                + "backend_services = [\"api=90\", \"api-canary=10\"]\nmirror_service = \"shadow\"\nrewrite_prefix = \"/\"\n")
                .services().get(0).httpRoutes();
        assertThat(routes).extracting(Manifest.HttpRoute::name).containsExactly("root", "admin");
        var admin = routes.get(1);
        assertThat(admin.preserveHost()).isFalse();
        assertThat(admin.matchHeaders()).containsExactly(new Manifest.KeyValue("x-env", "canary"));
        assertThat(admin.matchMethods()).containsExactly("GET", "POST");
        assertThat(admin.mirrorService()).isEqualTo("shadow");
    }

    @Test
    void tlsRules() {
        String web = "[service.web]\nimage = \"x\"\n[service.web.tls]\n";
        assertError(web + "[service.web.tls.acme]\nemail = \"a@b.c\"\n", "InvalidTlsConfig");
        assertError(web + "domain = \"a.com\"\n[service.web.tls.acme]\n", "InvalidTlsConfig");
        assertError(web + "domain = \"a.com\"\n[service.web.tls.acme]\nemail = \"a@b.c\"\nstaging = false\n"
                + "directory_url = \"https://x\"\n", "InvalidTlsConfig");
        assertError(web + "domain = \"a.com\"\n[service.web.tls.acme]\nemail = \"a@b.c\"\n[service.web.tls.acme.dns]\nprovider = \"exec\"\nhook = [\"h\"]\n", "InvalidTlsConfig");
        assertError(web + "domain = \"a.com\"\n[service.web.tls.acme]\nemail = \"a@b.c\"\nchallenge = \"dns-01\"\n", "InvalidTlsConfig");
        assertError(web + "domain = \"a.com\"\n[service.web.tls.acme]\nemail = \"a@b.c\"\nchallenge = \"dns-01\"\n"
                + "[service.web.tls.acme.dns]\nprovider = \"exec\"\n", "InvalidTlsConfig");
        assertError(web + "domain = \"a.com\"\n[service.web.tls.acme]\nemail = \"a@b.c\"\nchallenge = \"dns-01\"\n"
                + "[service.web.tls.acme.dns]\nprovider = \"cloudflare\"\npoll_interval_secs = 0\n", "InvalidTlsConfig");
        assertError(web + "peer = \"strict\"\n", "InvalidTlsConfig");
        assertThat(errors(web + "peer = \"require\"\n")).isEmpty();

        var tls = load(web + "domain = \"a.com\"\n[service.web.tls.acme]\nemail = \"a@b.c\"\nstaging = true\n")
                .services().get(0).tls();
        assertThat(tls.acme().directoryUrl()).isEqualTo(ServiceReader.LETS_ENCRYPT_STAGING);
        assertThat(tls.acme().challenge()).isEqualTo("http-01");
    }
}
