package dev.yoq.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.model.ServiceRecord;
import dev.yoq.server.ServerSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the proxy is told of service mTLS: each service's tls.peer, the posture of its TLS domain, the CA. */
class ProxyConfigsPeerTest {
    static ServiceRecord service(String app, String name, String domain, String peer) {
        ServiceRecord s = new ServiceRecord(app + "-" + name, app, name, "10.43.0.2", 1);
        s.edge("[]", domain);
        s.tlsPeer(peer);
        return s;
    }

    @Test
    void a_requiring_service_makes_its_domain_ask_for_client_certificates_and_the_ca_goes_along() {
        List<ServiceRecord> services = List.of(service("shop", "web", "shop.test", "require"), service("shop", "api", null, "warn"),
                service("blog", "web", "blog.test", "off"));
        List<ProxyConfigs.Cert> certs = List.of(new ProxyConfigs.Cert("shop.test", "C1", "K1"), new ProxyConfigs.Cert("blog.test", "C2", "K2"));
        JsonNode config = ProxyConfigs.build(services, List.of(), certs, Map.of(), ServerSettings.Edge.DEFAULTS, "CA-PEM");
        assertThat(config.path("peers").toString()).isEqualTo("{\"shop-api\":\"warn\",\"shop-web\":\"require\"}");
        assertThat(config.path("peer_ca").asText()).isEqualTo("CA-PEM");
        assertThat(config.path("certificates").get(0).path("peer").asText()).isEqualTo("require");
        assertThat(config.path("certificates").get(1).path("peer").asText()).as("a service without mTLS").isEqualTo("off");
    }

    @Test
    void a_wildcard_certificate_asks_for_the_services_under_it_with_the_strictest_posture() {
        List<ServiceRecord> services = List.of(service("shop", "web", "shop.example.test", "warn"), service("shop", "api", "api.example.test", "require"),
                service("blog", "web", "blog.other.test", "require"));
        assertThat(ProxyConfigs.peerOfCertificate("*.example.test", services)).isEqualTo("require");
        assertThat(ProxyConfigs.peerOfCertificate("shop.example.test", services)).isEqualTo("warn");
        assertThat(ProxyConfigs.peerOfCertificate("*.nothing.test", services)).isEqualTo("off");
        assertThat(ProxyConfigs.peerOfCertificate("*.test", List.of(service("a", "b", "x.y.test", "require")))).as("one label only").isEqualTo("off");
    }

    @Test
    void without_mtls_nothing_is_asked_and_no_ca_is_sent() {
        JsonNode config = ProxyConfigs.build(List.of(service("blog", "web", "blog.test", "off")), List.of(),
                List.of(new ProxyConfigs.Cert("blog.test", "C", "K")), Map.of(), ServerSettings.Edge.DEFAULTS);
        assertThat(config.path("peers").isEmpty()).isTrue();
        assertThat(config.has("peer_ca")).isFalse();
        assertThat(config.path("certificates").get(0).path("peer").asText()).isEqualTo("off");
    }
}
