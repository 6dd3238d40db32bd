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

    @Test
    void join_moves_on_to_the_next_server_it_knows_round_robin() {
        var a = ServerAddress.parse("10.0.0.1:7700");
        var b = ServerAddress.parse("10.0.0.2:7700");
        var known = new java.util.LinkedHashSet<>(java.util.List.of(a, b));
        assertThat(JoinCommand.next(known, a)).isEqualTo(b);
        assertThat(JoinCommand.next(known, b)).isEqualTo(a);
    }
}
