package dev.yoq.node.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whose the secret files are: the image's own users, never the host's, mapped under a user namespace. */
class SecretFilesTest {
    @TempDir
    Path layers;

    ContainerSpec spec(String user, boolean userns, Path... lowers) {
        return new ContainerSpec("abc123abc123", null, java.util.Arrays.stream(lowers).map(Path::toString).toList(), List.of("true"),
                List.of(), "c", "/", user, Limits.DEFAULT, List.of(), false, userns);
    }

    @Test
    void names_come_from_the_topmost_layer_that_has_the_file_and_numbers_are_taken_as_they_are() throws Exception {
        Path top = Files.createDirectories(layers.resolve("top/etc"));
        Path base = Files.createDirectories(layers.resolve("base/etc"));
        Files.writeString(base.resolve("passwd"), "root:x:0:0::/root:/bin/sh\napp:x:500:500::/:/bin/sh\n");
        Files.writeString(top.resolve("passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/:/bin/sh\n");
        Files.writeString(top.resolve("group"), "staff:x:50:\n");
        Path t = layers.resolve("top"), b = layers.resolve("base");
        assertThat(SecretFiles.owner(spec("app", false, t, b))).containsExactly(1000, 1001);
        assertThat(SecretFiles.owner(spec("app:staff", false, t, b))).containsExactly(1000, 50);
        assertThat(SecretFiles.owner(spec("1000", false, t, b))).as("a uid's primary group from passwd").containsExactly(1000, 1001);
        assertThat(SecretFiles.owner(spec("42:43", false, t, b))).containsExactly(42, 43);
        assertThat(SecretFiles.owner(spec(null, false, t, b))).containsExactly(0, 0);
        ContainerSpec mapped = spec("app", true, t, b);
        long base0 = mapped.userNamespaceBase();
        assertThat(SecretFiles.owner(mapped)).containsExactly((int) (base0 + 1000), (int) (base0 + 1001));
        assertThatThrownBy(() -> SecretFiles.owner(spec("nobody", false, t, b)))
                .hasMessage("secrets: user nobody is not in the image's /etc/passwd");
    }

    @Test
    void a_symlinked_etc_in_an_image_is_not_followed_to_the_host() throws Exception {
        Path evil = Files.createDirectories(layers.resolve("evil"));
        Files.createSymbolicLink(evil.resolve("etc"), Path.of("/etc"));
        assertThatThrownBy(() -> SecretFiles.owner(spec("root", false, evil)))
                .hasMessage("secrets: user root is not in the image's /etc/passwd");
    }

    @Test
    void bad_names_and_a_removed_container_are_refused_before_anything_is_mounted() {
        ContainerDirs gone = new ContainerDirs(layers.resolve("containers/abc123abc123"));
        assertThatThrownBy(() -> SecretFiles.write(spec(null, false, layers), gone, Map.of("../x", new byte[1]), Map.of()))
                .hasMessage("secret file name ../x is invalid");
        assertThatThrownBy(() -> SecretFiles.write(spec(null, false, layers), gone, Map.of(), Map.of("1A", new byte[1])))
                .hasMessage("secret variable 1A is invalid");
        assertThatThrownBy(() -> SecretFiles.write(spec(null, false, layers), gone, Map.of("db", new byte[1]), Map.of()))
                .hasMessage("no such container: abc123abc123");
        assertThat(gone.root()).doesNotExist();
    }
}
