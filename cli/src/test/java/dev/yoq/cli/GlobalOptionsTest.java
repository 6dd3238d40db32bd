package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.cluster.ClusterConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobalOptionsTest {
    @TempDir Path data;

    @Test
    void the_default_server_is_the_cluster_servers_api_port_when_init_server_set_one() throws Exception {
        Map<String, String> env = Map.of("YOQ_DATA_DIR", data.toString());
        assertThat(new GlobalOptions(env).server()).isEqualTo(ServerAddress.local(7700));
        new ClusterConfig(1, 9700, 7801, List.of(), "join").write(data);
        assertThat(new GlobalOptions(env).server()).isEqualTo(ServerAddress.local(7801));
        // an explicit port still wins
        assertThat(new GlobalOptions(Map.of("YOQ_DATA_DIR", data.toString(), "YOQ_API_PORT", "7900")).server())
                .isEqualTo(ServerAddress.local(7900));
    }
}
