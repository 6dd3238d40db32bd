package dev.yoq.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ServerSettingsTest {

    static ServerSettings settings(Map<String, String> config, Map<String, String> env) {
        return ServerSettings.from(k -> Optional.ofNullable(config.get(k)), env, "/home/ada");
    }

    @Test
    void defaultsMatchASingleNodeServer() {
        ServerSettings s = settings(Map.of(), Map.of());

        assertThat(s.layout().root()).isEqualTo(Path.of("/home/ada/.local/share/yoq"));
        assertThat(s.role()).isEqualTo("server");
        assertThat(s.apiHost()).isEqualTo("127.0.0.1");
        assertThat(s.apiPort()).isEqualTo(7700);
        assertThat(s.registries().insecure()).isEmpty();
        assertThat(s.registries().platform()).isEqualTo("linux/amd64");
    }

    @Test
    void insecureRegistriesAndThePlatformAreReadAndChecked() {
        ServerSettings s = settings(Map.of("yoq.registries.insecure", " registry.lan:5000, 10.0.0.7 ,", "yoq.image.platform", "linux/arm64/v8"), Map.of());
        assertThat(s.registries().insecure()).containsExactly("10.0.0.7", "registry.lan:5000");
        assertThat(s.registries().platform()).isEqualTo("linux/arm64/v8");
        assertThatThrownBy(() -> settings(Map.of("yoq.registries.insecure", "http://registry.lan"), Map.of()))
                .hasMessage("yoq.registries.insecure: not a host[:port]: http://registry.lan");
        assertThatThrownBy(() -> settings(Map.of("yoq.image.platform", "amd64"), Map.of()))
                .hasMessage("yoq.image.platform: must be os/architecture[/variant] (e.g. linux/amd64), got amd64");
    }

    @Test
    void configOverridesEveryDefault() {
        ServerSettings s = settings(Map.of("yoq.data.dir", "/srv/yoq", "yoq.role", "agent",
                "yoq.api.host", "0.0.0.0", "yoq.api.port", "7800"), Map.of("YOQ_HOME", "/ignored"));

        assertThat(s.layout().root()).isEqualTo(Path.of("/srv/yoq"));
        assertThat(s.role()).isEqualTo("agent");
        assertThat(s.apiHost()).isEqualTo("0.0.0.0");
        assertThat(s.apiPort()).isEqualTo(7800);
    }

    @Test
    void yoqHomeFromTheEnvironmentIsTheDataDir() {
        assertThat(settings(Map.of(), Map.of("YOQ_HOME", "/var/lib/yoq")).layout().root())
                .isEqualTo(Path.of("/var/lib/yoq"));
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> settings(Map.of("yoq.api.port", "70000"), Map.of()))
                .hasMessage("yoq.api.port: must be 1-65535, got 70000");
        assertThatThrownBy(() -> settings(Map.of("yoq.api.port", "http"), Map.of()))
                .hasMessage("yoq.api.port: must be 1-65535, got http");
        assertThatThrownBy(() -> settings(Map.of("yoq.role", "leader"), Map.of()))
                .hasMessage("yoq.role: must be server or agent, got leader");
    }

    @Test
    void acmeSettingsDefaultToLetsEncryptWithTheEmailFromTheEnvironment() throws Exception {
        assertThat(settings(Map.of(), Map.of()).acme()).isEqualTo(ServerSettings.Acme.DEFAULTS);
        assertThat(settings(Map.of(), Map.of("YOQ_ACME_EMAIL", " ops@corp.test ")).acme().email()).isEqualTo("ops@corp.test");
        java.nio.file.Path ca = java.nio.file.Files.createTempFile("ca", ".pem");
        try {
            ServerSettings.Acme a = settings(Map.of("yoq.acme.directory_url", "https://localhost:14000/dir", "yoq.acme.ca_pem", ca.toString(),
                    "yoq.acme.email", "me@corp.test"), Map.of("YOQ_ACME_EMAIL", "ignored@corp.test")).acme();
            assertThat(a).isEqualTo(new ServerSettings.Acme("https://localhost:14000/dir", ca, "me@corp.test"));
        } finally {
            java.nio.file.Files.delete(ca);
        }
        assertThatThrownBy(() -> settings(Map.of("yoq.acme.directory_url", "acme.test/dir"), Map.of()))
                .hasMessage("yoq.acme.directory_url: must be an http(s) URL, got acme.test/dir");
        assertThatThrownBy(() -> settings(Map.of("yoq.acme.ca_pem", "ca.pem"), Map.of()))
                .hasMessage("yoq.acme.ca_pem: must be an absolute path, got ca.pem");
        assertThat(settings(Map.of("yoq.acme.ca_pem", "/not/yet/ca.pem"), Map.of()).acme().caPem())
                .as("made later (read at each issuance)").isEqualTo(java.nio.file.Path.of("/not/yet/ca.pem"));
    }
}
