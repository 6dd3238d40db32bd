package dev.yoq.node.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hardening issue's finding 1: host paths that would give a container the host. */
class HostPathsTest {
    @TempDir Path tmp;

    private HostPaths policy(String allow) {
        return HostPaths.forNode(new DataLayout(tmp.resolve("data")), tmp.resolve("sock/node.sock"), List.of(tmp.resolve("install")), allow);
    }

    private HostPaths policy() throws Exception {
        for (String d : List.of("data/volumes/app/v", "sock", "install/lib", "free/dir")) Files.createDirectories(tmp.resolve(d));
        return policy("");
    }

    @Test
    void the_paths_found_open_are_refused_with_the_rule_named() throws Exception {
        HostPaths p = policy();
        for (String path : List.of("/", "/etc/..", "/run", "/var/run", "/usr", "/var", "/etc", "/proc/self", "/sys", "/dev", "/root",
                "/bin", "/sbin", "/var/lib", "/boot", "/lib")) {
            if (!Files.exists(Path.of(path))) continue;
            assertThat(p.refusal("volume source", path)).as(path).hasValueSatisfying(m -> assertThat(m)
                    .startsWith("volume source " + path).contains("protected host path"));
        }
        assertThat(p.refusal("volume source", "/run").orElseThrow()).contains("is the protected host path /run").contains(HostPaths.ALLOW_PROPERTY);
        assertThat(p.refusal("rootfs", "/var").orElseThrow()).as("contains /var/lib").contains("contains the protected host path /var/");
        assertThat(p.refusal("rootfs", "/etc/..").orElseThrow()).contains("(really /)");
    }

    @Test
    void yoq_own_paths_are_refused_even_when_the_operator_allows_their_prefix() throws Exception {
        policy();
        HostPaths p = policy(tmp.toString());
        assertThat(p.refusal("volume source", tmp.resolve("data").toString()).orElseThrow()).contains("is yoq's own");
        assertThat(p.refusal("volume source", tmp.resolve("sock").toString()).orElseThrow()).contains("yoq's own");
        assertThat(p.refusal("volume source", tmp.resolve("install/lib").toString()).orElseThrow()).contains("lies inside yoq's own");
        assertThat(p.refusal("volume source", tmp.toString()).orElseThrow()).as("a parent of the data directory").contains("contains yoq's own");
        assertThat(p.refusal("volume source", tmp.resolve("free/dir").toString())).isEmpty();
    }

    @Test
    void managed_volumes_inside_the_data_directory_are_usable_but_not_the_volumes_root() throws Exception {
        HostPaths p = policy();
        assertThat(p.refusal("volume source", tmp.resolve("data/volumes/app/v").toString())).isEmpty();
        assertThat(p.refusal("volume source", tmp.resolve("data/volumes").toString())).isPresent();
    }

    @Test
    void symlinks_are_resolved_before_the_check() throws Exception {
        HostPaths p = policy();
        Path link = Files.createSymbolicLink(tmp.resolve("free/sneaky"), Path.of("/etc"));
        assertThat(p.refusal("volume source", link.toString()).orElseThrow()).contains("really /etc").contains("is the protected host path /etc");
        Path toData = Files.createSymbolicLink(tmp.resolve("free/data"), tmp.resolve("data"));
        assertThat(p.refusal("volume source", toData.toString()).orElseThrow()).contains("yoq's own");
    }

    @Test
    void an_allowed_prefix_lifts_the_system_rule_inside_it_only() throws Exception {
        Files.createDirectories(tmp.resolve("data"));
        HostPaths p = policy("/usr/share");
        assertThat(p.refusal("volume source", "/usr/share")).isEmpty();
        assertThat(p.refusal("volume source", "/usr/bin")).isPresent();
        assertThat(p.refusal("volume source", "/usr")).isPresent();
    }

    @Test
    void missing_paths_and_bad_allow_lists_are_named() {
        assertThat(policy("").refusal("rootfs", "/no/such/dir").orElseThrow()).isEqualTo("rootfs /no/such/dir does not exist");
        assertThatThrownBy(() -> HostPaths.parseAllowList("/srv, data")).hasMessage("yoq.host_paths.allow: data is not an absolute path");
        assertThat(HostPaths.parseAllowList(" /srv/a/../b ,")).containsExactly(Path.of("/srv/b"));
    }
}
