package dev.yoq.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Relative host paths are the manifest directory's: made absolute before the snapshot leaves the CLI. */
class ManifestPathsTest {
    @Test
    void bind_sources_rootfs_images_and_host_volumes_become_absolute_and_the_rest_stays() {
        Manifest m = ManifestLoader.parse("""
                [service.web]
                image = "./rootfs"
                volumes = ["./site:/www:ro", "../shared:/shared", "data:/data", "/abs:/abs"]
                [worker.w]
                image = "busybox:1.36"
                [volume.data]
                driver = "host"
                path = "store"
                """, "manifest.toml", "app", k -> null).manifest();
        Manifest abs = ManifestPaths.absolute(m, Path.of("/srv/apps/shop"));
        Manifest.Common web = abs.services().get(0).common();
        assertThat(web.image()).isEqualTo("/srv/apps/shop/rootfs");
        assertThat(web.volumes()).extracting(Manifest.Mount::source).containsExactly("/srv/apps/shop/site", "/srv/apps/shared", "data", "/abs");
        assertThat(web.volumes().get(0).readOnly()).isTrue();
        assertThat(abs.workers().get(0).common().image()).isEqualTo("busybox:1.36");
        assertThat(abs.volumes().get(0).path()).isEqualTo("/srv/apps/shop/store");
    }
}
