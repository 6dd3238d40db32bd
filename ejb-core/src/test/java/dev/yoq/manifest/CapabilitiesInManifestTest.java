package dev.yoq.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** cap_add, cap_drop and userns in a manifest: checked by validate, kept in the snapshot, absent ones change nothing. */
class CapabilitiesInManifestTest {
    @Test
    void capabilities_and_userns_survive_the_snapshot_round_trip() {
        Manifest m = ManifestLoader.parse("app = \"x\"\n[service.web]\nimage = \"nginx\"\ncap_add = [\"NET_ADMIN\"]\ncap_drop = [\"NET_RAW\"]\n"
                + "userns = true\n", "m.toml", "x", k -> null).manifest();
        assertThat(m.services().get(0).common().capAdd()).containsExactly("NET_ADMIN");
        Manifest back = SnapshotReader.read(AppSnapshot.json(m));
        assertThat(back.services().get(0).common()).isEqualTo(m.services().get(0).common());
        assertThat(back.services().get(0).common().userns()).isTrue();
    }

    @Test
    void a_manifest_without_them_keeps_the_snapshot_it_had() {
        Manifest m = ManifestLoader.parse("app = \"x\"\n[service.web]\nimage = \"nginx\"\n", "m.toml", "x", k -> null).manifest();
        assertThat(AppSnapshot.json(m)).doesNotContain("cap_add").doesNotContain("userns");
    }

    @Test
    void capabilities_that_reach_the_host_are_errors_naming_the_field() {
        ManifestException e = catchThrowableOfType(ManifestException.class, () -> ManifestLoader.parse(
                "app = \"x\"\n[service.web]\nimage = \"nginx\"\ncap_add = [\"SYS_ADMIN\"]\n[worker.w]\nimage = \"x\"\ncap_drop = [\"NOPE\"]\n",
                "m.toml", "x", k -> null));
        assertThat(e.problems()).filteredOn(Problem::isError).extracting(p -> p.kind() + " " + p.path() + ": " + p.message())
                .containsExactlyInAnyOrder("InvalidCapability service.web.cap_add: SYS_ADMIN reaches the host kernel and is not allowed",
                        "InvalidCapability worker.w.cap_drop: unknown capability NOPE");
    }
}
