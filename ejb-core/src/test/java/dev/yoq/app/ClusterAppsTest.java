package dev.yoq.app;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;

/** What an apply may ask of a cluster, refused before anything is recorded. */
class ClusterAppsTest {
    static Manifest manifest(String toml) throws Exception {
        return ManifestLoader.parse(toml, "m.toml", "x", k -> null).manifest();
    }

    @Test
    void named_volumes_run_on_agents_but_a_bind_mount_is_refused_naming_it() throws Exception {
        assertThatCode(() -> ClusterApps.check(manifest("""
                app = "shop"
                [service.db]
                image = "reg/db:1"
                volumes = ["data:/var/lib/db"]
                [worker.migrate]
                image = "reg/db:1"
                volumes = ["data:/var/lib/db"]
                [volume.data]
                driver = "local"
                """))).doesNotThrowAnyException();
        assertThatThrownBy(() -> ClusterApps.check(manifest("""
                app = "shop"
                [service.web]
                image = "reg/web:1"
                volumes = ["./site:/usr/share/nginx/html"]
                """))).isInstanceOf(AppException.class)
                .hasMessage("service web: the bind mount ./site:/usr/share/nginx/html cannot be used on a cluster (its path is on the "
                        + "machine that runs yoq up); use a named volume ([volume.<name>])");
    }
}
