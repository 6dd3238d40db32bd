package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeResourcesTest {
    static final String MEMINFO = "MemTotal:       24576000 kB\nMemFree:         1000000 kB\nMemAvailable:   16384000 kB\n";

    @Test
    void memory_in_mb_and_the_load_as_millicores_capped_at_the_cores() {
        assertThat(NodeResources.parse(4, MEMINFO, "1.50 0.80 0.40 2/300 1234\n"))
                .isEqualTo(new NodeResources(4, 24000, 1500, 8000));
        assertThat(NodeResources.parse(2, MEMINFO, "7.00 3.00 1.00 9/300 1234\n").cpuUsedMillicores()).isEqualTo(2000);
    }
}
