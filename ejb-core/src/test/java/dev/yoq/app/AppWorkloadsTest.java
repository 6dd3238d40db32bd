package dev.yoq.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.manifest.Manifest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Workloads to container requests: names, limits, and volume paths that never leave the data directory. */
class AppWorkloadsTest {
    static final AppWorkloads.Volumes VOLUMES = new AppWorkloads.Volumes(Path.of("/data"), List.of(
            new Manifest.VolumeDecl("db", "local", null, null, null), new Manifest.VolumeDecl("../up", "local", null, null, null),
            new Manifest.VolumeDecl("share", "nfs", "/exports/a", "10.0.0.5", null), new Manifest.VolumeDecl("h", "host", "/srv/h", null, null)));

    @Test
    void volumes_resolve_by_driver_and_undeclared_ones_are_refused() {
        assertThat(VOLUMES.path("shop", "db")).isEqualTo(Path.of("/data/volumes/shop/db"));
        assertThat(VOLUMES.path("shop", "share")).isEqualTo(Path.of("/data/mounts/nfs/shop/share"));
        assertThat(VOLUMES.path("shop", "h")).isEqualTo(Path.of("/srv/h"));
        assertThatThrownBy(() -> VOLUMES.path("shop", "nope")).hasMessage("volume nope is not declared in [volume.nope]");
    }

    @Test
    void an_app_or_volume_name_can_never_walk_out_of_the_data_directory() {
        assertThatThrownBy(() -> VOLUMES.path("../../etc", "db")).hasMessageStartingWith("app name ../../etc cannot name a directory");
        assertThatThrownBy(() -> VOLUMES.path("a/b", "db")).hasMessageStartingWith("app name a/b cannot name a directory");
        assertThatThrownBy(() -> VOLUMES.path("shop", "../up")).hasMessageStartingWith("volume name ../up cannot name a directory");
        assertThatThrownBy(() -> VOLUMES.path("..", "share")).hasMessageStartingWith("app name .. cannot name a directory");
    }

    @Test
    void a_service_replica_becomes_a_request_with_its_limits_and_mounts() {
        Manifest.Service s = new Manifest.Service("web", new Manifest.Common("./rootfs", List.of("httpd"), List.of("A=1"),
                List.of(new Manifest.Mount("db", "/var/db", "named", false), new Manifest.Mount("/src", "/src", "bind", true)), null),
                List.of(new Manifest.PortMapping(8080, 80)), List.of(), "on_failure", null, Manifest.Rollout.DEFAULT, null, List.of(),
                null, null, 1, 500, 128, List.of(), null);
        var r = AppWorkloads.replica("shop", s, VOLUMES, 2, "0123456789ab");
        assertThat(r.name()).isEqualTo("shop-web-2-012345");
        assertThat(r.ports()).as("the service publishes them, through its VIP").isEmpty();
        assertThat(AppWorkloads.replicaHostname("web", 2)).isEqualTo("web-2");
        assertThat(AppWorkloads.replicaIndex("web-2", "web")).isEqualTo(2);
        assertThat(AppWorkloads.replicaIndex("web", "web")).as("a container from before replicas").isEqualTo(1);
        assertThat(r.memoryBytes()).isEqualTo(128L << 20);
        assertThat(r.cpus()).isEqualTo(0.5);
        assertThat(r.restart()).isEqualTo("on_failure");
        assertThat(r.volumes()).containsExactly(new dev.yoq.runtime.RunRequest.Volume("/data/volumes/shop/db", "/var/db", false),
                new dev.yoq.runtime.RunRequest.Volume("/src", "/src", true));
        assertThat(AppWorkloads.containerName("my_app", "web")).as("a directory's name with _ still deploys").isEqualTo("my-app-web");
        assertThat(AppWorkloads.containerName("site.v2", "api")).isEqualTo("site-v2-api");
        assertThatThrownBy(() -> AppWorkloads.containerName("x".repeat(60), "web")).hasMessageContaining("must be 1-63 characters");
    }

    @Test
    void a_named_volume_nobody_declared_is_a_local_one() {
        Manifest m = dev.yoq.manifest.ManifestLoader.parse("app = \"x\"\n[service.web]\nimage = \"nginx\"\nvolumes = [\"cache:/c\", \"db:/d\"]\n"
                + "[volume.db]\ndriver = \"host\"\npath = \"/srv/db\"\n", "m.toml", "x", k -> null).manifest();
        assertThat(AppWorkloads.declaredOrLocal(m)).containsExactly(new Manifest.VolumeDecl("db", "host", "/srv/db", null, null),
                new Manifest.VolumeDecl("cache", "local", null, null, null));
        assertThat(new AppWorkloads.Volumes(Path.of("/data"), AppWorkloads.declaredOrLocal(m)).path("x", "cache"))
                .isEqualTo(Path.of("/data/volumes/x/cache"));
    }
}
