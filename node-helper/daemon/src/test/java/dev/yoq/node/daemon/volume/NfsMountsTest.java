package dev.yoq.node.daemon.volume;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helper mounts only well-formed exports, only under its own directory, and says when the NFS client is missing. */
class NfsMountsTest {
    @TempDir
    Path data;

    @Test
    void a_node_without_the_nfs_client_gets_a_clear_error_naming_the_package() {
        NfsMounts nfs = new NfsMounts(data, data.resolve("no-such-mount.nfs"));
        assertThatThrownBy(() -> nfs.mount("shop", "share", "10.0.0.5", "/exports/shop", "vers=4"))
                .hasMessage("volume share: this node has no NFS client (" + data.resolve("no-such-mount.nfs") + " is missing): apt-get install nfs-common");
    }

    @Test
    void bad_names_servers_exports_and_options_are_refused_before_anything_runs() {
        NfsMounts nfs = new NfsMounts(data, Path.of("/bin/true"));
        assertThatThrownBy(() -> nfs.mount("../etc", "share", "h", "/e", null)).hasMessage("bad app name ../etc");
        assertThatThrownBy(() -> nfs.mount("shop", "a/b", "h", "/e", null)).hasMessage("bad volume name a/b");
        assertThatThrownBy(() -> nfs.mount("shop", "share", "h;rm -rf", "/e", null)).hasMessage("volume share: bad NFS server h;rm -rf");
        assertThatThrownBy(() -> nfs.mount("shop", "share", "h", "e/../..", null)).hasMessage("volume share: the export path must be absolute, got e/../..");
        assertThatThrownBy(() -> nfs.mount("shop", "share", "h", "/e/../x", null)).hasMessageContaining("the export path must be absolute");
        assertThatThrownBy(() -> nfs.mount("shop", "share", "h", "/e", "rw x")).hasMessage("volume share: bad mount options rw x");
    }
}
