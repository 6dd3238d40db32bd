package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @TempDir Path dir;

    @Test
    void sizes_are_1024_based_and_saturate() {
        assertThat(RunCommand.size("512m")).isEqualTo(512L << 20);
        assertThat(RunCommand.size("4M")).isEqualTo(4L << 20);
        assertThat(RunCommand.size("1g")).isEqualTo(1L << 30);
        assertThat(RunCommand.size("64k")).isEqualTo(64L << 10);
        assertThat(RunCommand.size("100")).isEqualTo(100);
        assertThat(RunCommand.size("99999999999999999999g")).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> RunCommand.size("lots")).hasMessage("invalid size lots: expected a number with k, m or g");
    }

    @Test
    void volumes_are_read_only_by_default_and_need_a_host_path() {
        Map<String, Object> v = RunCommand.volume("./data:/data");
        assertThat(v.get("read_only")).isEqualTo(true);
        assertThat((String) v.get("source")).startsWith("/").endsWith("/data");
        assertThat(RunCommand.volume("/srv:/srv:rw").get("read_only")).isEqualTo(false);
        assertThatThrownBy(() -> RunCommand.volume("data:/data")).hasMessageContaining("must be a host path starting with /, ./ or ../");
        assertThatThrownBy(() -> RunCommand.volume("/a:b")).hasMessageContaining("the target must be absolute");
        assertThatThrownBy(() -> RunCommand.volume("/a:/b:rx")).hasMessageContaining("the mode must be ro or rw");
        assertThatThrownBy(() -> RunCommand.volume("/a")).hasMessageContaining("expected SRC:DST[:ro|rw]");
    }

    @Test
    void the_target_is_a_rootfs_path_or_an_image() {
        assertThat(RunCommand.rootfs(dir.toString())).isEqualTo(dir.toString());
        assertThat(RunCommand.rootfs("nginx:latest")).isEqualTo("nginx:latest");
        assertThatThrownBy(() -> RunCommand.rootfs(dir.resolve("none").toString())).hasMessageContaining("does not exist");
    }

    @Test
    void a_container_killed_for_memory_says_so_with_its_limit() {
        assertThat(RunCommand.oomMessage(32L << 20)).isEqualTo("killed: out of memory (limit 32 MiB)");
        assertThat(RunCommand.oomMessage(5_000_000)).isEqualTo("killed: out of memory (limit 5000000 bytes)");
    }
}
