package dev.yoq.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RegistrySettingsTest {
    @Test
    void plain_http_only_for_loopback_listed_or_explicitly_allowed_registries() {
        RegistrySettings s = RegistrySettings.of("registry.lan:5000", "linux/amd64");
        assertThat(s.base(ImageReference.parse("127.0.0.1:5000/a/b"))).isEqualTo("http://127.0.0.1:5000");
        assertThat(s.base(ImageReference.parse("localhost:5000/a/b"))).isEqualTo("http://localhost:5000");
        assertThat(s.base(ImageReference.parse("registry.lan:5000/a/b"))).isEqualTo("http://registry.lan:5000");
        assertThat(s.base(ImageReference.parse("registry.lan/a/b"))).as("another port is another registry").isEqualTo("https://registry.lan");
        assertThat(s.base(ImageReference.parse("busybox"))).isEqualTo("https://registry-1.docker.io");
        assertThat(s.allowingPlainHttp("ghcr.io").base(ImageReference.parse("ghcr.io/x/y"))).isEqualTo("http://ghcr.io");
        assertThat(s.base(ImageReference.parse("ghcr.io/x/y"))).as("allowing is per request, not remembered").isEqualTo("https://ghcr.io");
    }

    @Test
    void the_platform_can_be_overridden_per_pull() {
        assertThat(RegistrySettings.DEFAULTS.withPlatform("linux/arm64").platform()).isEqualTo("linux/arm64");
        assertThat(RegistrySettings.DEFAULTS.withPlatform(null).platform()).isEqualTo("linux/amd64");
    }
}
