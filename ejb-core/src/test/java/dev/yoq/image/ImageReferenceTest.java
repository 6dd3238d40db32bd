package dev.yoq.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    static final String D = "sha256:" + "ab".repeat(32);

    @Test
    void docker_hub_names_get_library_and_latest() {
        assertThat(ImageReference.parse("nginx")).isEqualTo(new ImageReference("registry-1.docker.io", "library/nginx", "latest", null));
        assertThat(ImageReference.parse("redis:7")).isEqualTo(new ImageReference("registry-1.docker.io", "library/redis", "7", null));
        assertThat(ImageReference.parse("myorg/app:1.2")).isEqualTo(new ImageReference("registry-1.docker.io", "myorg/app", "1.2", null));
        assertThat(ImageReference.parse("docker.io/library/busybox").repository()).isEqualTo("library/busybox");
        assertThat(ImageReference.parse("nginx").toString()).isEqualTo("nginx:latest");
    }

    @Test
    void a_first_part_with_a_dot_or_colon_is_a_registry() {
        ImageReference r = ImageReference.parse("127.0.0.1:5000/team/app:v1");
        assertThat(r).isEqualTo(new ImageReference("127.0.0.1:5000", "team/app", "v1", null));
        assertThat(r.loopback()).isTrue();
        assertThat(ImageReference.parse("localhost/app").registry()).isEqualTo("localhost");
        assertThat(ImageReference.parse("localhost:5000/app").loopback()).isTrue();
        assertThat(ImageReference.parse("ghcr.io/org/app").loopback()).isFalse();
        assertThat(ImageReference.parse("ghcr.io/org/app").toString()).isEqualTo("ghcr.io/org/app:latest");
    }

    @Test
    void digests_pin_the_manifest_and_drop_the_default_tag() {
        ImageReference r = ImageReference.parse("busybox@" + D);
        assertThat(r.tag()).isNull();
        assertThat(r.manifestReference()).isEqualTo(D);
        assertThat(ImageReference.parse("busybox:1.36@" + D).manifestReference()).isEqualTo(D);
    }

    @Test
    void bad_references_say_what_is_wrong() {
        assertThatThrownBy(() -> ImageReference.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ImageReference.parse("Nginx")).hasMessageContaining("bad repository name component 'Nginx'");
        assertThatThrownBy(() -> ImageReference.parse("app@sha256:zz")).hasMessageContaining("digest must be sha256:");
        assertThatThrownBy(() -> ImageReference.parse("app:bad tag")).hasMessageContaining("bad tag");
        assertThatThrownBy(() -> ImageReference.parse("a/../b")).hasMessageContaining("'..'");
    }
}
