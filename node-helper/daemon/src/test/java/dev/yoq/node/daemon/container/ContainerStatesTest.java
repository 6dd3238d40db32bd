package dev.yoq.node.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ContainerStatesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void exit_json_wins_a_live_init_is_running_a_dead_one_is_255_and_nothing_is_created() throws Exception {
        var running = JSON.readTree("{\"pid\":42,\"init_pid\":41,\"started_at_ms\":1000}");
        var exit = JSON.readTree("{\"exit_code\":3,\"signal\":0,\"oom_killed\":false,\"finished_at_ms\":2000}");
        assertThat(ContainerStates.fromFiles("a", exit, running, true).exitCode()).isEqualTo(3);
        assertThat(ContainerStates.fromFiles("a", null, running, true).pid()).isEqualTo(42);
        assertThat(ContainerStates.fromFiles("a", null, running, false).exitCode()).as("yoq-init killed with -9").isEqualTo(255);
        assertThat(ContainerStates.fromFiles("a", null, null, false).status()).isEqualTo("created");
    }
}
