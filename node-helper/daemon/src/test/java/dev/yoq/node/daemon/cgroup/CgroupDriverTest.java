package dev.yoq.node.daemon.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.node.protocol.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drivers against a fake /sys/fs/cgroup: which files get which values, on each layout. */
class CgroupDriverTest {
    @TempDir Path root;
    final Limits limits = new Limits(64L << 20, 100, 500, 1.5);

    @Test
    void layouts_are_told_apart_by_where_cgroup_controllers_is() throws Exception {
        assertThat(CgroupLayout.detect(root)).isEqualTo(CgroupLayout.LEGACY);
        Files.createDirectories(root.resolve("unified"));
        Files.writeString(root.resolve("unified/cgroup.controllers"), "");
        assertThat(CgroupLayout.detect(root)).isEqualTo(CgroupLayout.HYBRID);
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids");
        assertThat(CgroupLayout.detect(root)).isEqualTo(CgroupLayout.UNIFIED);
    }

    @Test
    void hybrid_writes_v1_limits_and_places_the_process_in_every_hierarchy_plus_the_v2_dir() throws Exception {
        Files.createDirectories(root.resolve("unified"));
        Files.writeString(root.resolve("unified/cgroup.controllers"), "");
        CgroupDriver driver = CgroupDriver.forHost(root);
        Placement p = driver.create("abc", limits);
        assertThat(read("memory/yoq/abc/memory.limit_in_bytes")).isEqualTo("67108864");
        assertThat(read("pids/yoq/abc/pids.max")).isEqualTo("100");
        assertThat(read("cpu/yoq/abc/cpu.shares")).isEqualTo(Long.toString(limits.cpuShares()));
        assertThat(read("cpu/yoq/abc/cpu.cfs_quota_us")).isEqualTo("150000");
        assertThat(read("cpu/yoq/abc/cpu.cfs_period_us")).isEqualTo("100000");
        assertThat(read("devices/yoq/abc/devices.deny")).isEqualTo("a");
        assertThat(p.procsFiles()).contains(root.resolve("memory/yoq/abc/cgroup.procs"), root.resolve("unified/yoq/abc/cgroup.procs"));
        assertThat(p.procsFiles()).hasSize(6);
        assertThat(p.oomCounterFile()).isEqualTo(root.resolve("memory/yoq/abc/memory.oom_control"));
        assertThat(driver.placement("abc")).isEqualTo(p);
    }

    @Test
    void unified_writes_v2_names_and_enables_controllers_on_the_way_down() throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids");
        CgroupDriver driver = CgroupDriver.forHost(root);
        Placement p = driver.create("abc", new Limits(Limits.DEFAULT_MEMORY, 4096, 100, 0));
        assertThat(read("cgroup.subtree_control")).isEqualTo("+memory +pids +cpu");
        assertThat(read("yoq/abc/memory.max")).isEqualTo("536870912");
        assertThat(read("yoq/abc/pids.max")).isEqualTo("4096");
        assertThat(read("yoq/abc/cpu.weight")).isEqualTo("100");
        assertThat(read("yoq/abc/cpu.max")).isEqualTo("max 100000");
        assertThat(p.oomCounterFile()).isEqualTo(root.resolve("yoq/abc/memory.events"));
    }

    @Test
    void shares_and_weight_map_like_the_kernel_does() {
        // kernel: weight = 1 + ((shares - 2) * 9999) / 262142
        for (int weight : new int[] {1, 100, 5000, 10000}) {
            long shares = new Limits(Limits.DEFAULT_MEMORY, 1, weight, 0).cpuShares();
            assertThat(1 + ((shares - 2) * 9999) / 262142).isBetween((long) weight - 1, (long) weight);
        }
    }

    @Test
    void pressure_is_read_from_the_some_line() throws Exception {
        Path file = root.resolve("cpu.pressure");
        Files.writeString(file, "some avg10=1.50 avg60=0.20 avg300=0.00 total=1\nfull avg10=9.00 avg60=0 avg300=0 total=0\n");
        assertThat(CgroupFiles.pressure(file)).isEqualTo(1.5);
    }

    private String read(String rel) throws Exception { return Files.readString(root.resolve(rel)).trim(); }
}
