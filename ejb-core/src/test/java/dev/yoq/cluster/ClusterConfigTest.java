package dev.yoq.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.cluster.raft.RaftPeerAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {
    @TempDir Path data;

    static List<RaftPeerAddress> peers(String csv) { return RaftPeerAddress.parseList(csv); }

    @Test
    void round_trips_through_an_owner_only_file_and_never_prints_the_token() throws Exception {
        ClusterConfig c = new ClusterConfig(2, 9700, 7700, peers("1@10.0.0.1:9700,2@10.0.0.2:9700,3@10.0.0.3:9700"), "s3cret-join");
        c.write(data);
        Path file = ClusterConfig.file(data);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(ClusterConfig.read(data)).isEqualTo(c);
        assertThat(c.self()).isEqualTo(new RaftPeerAddress(2, "10.0.0.2", 9700));
        assertThat(c.toString()).doesNotContain("s3cret");
        assertThat(c.gossipPort()).isEqualTo(9800);
    }

    @Test
    void no_file_is_a_single_node_and_no_peers_is_a_group_of_one_on_loopback() throws Exception {
        assertThat(ClusterConfig.read(data)).isNull();
        assertThat(new ClusterConfig(1, 9700, 7700, List.of(), "t").peers()).containsExactly(new RaftPeerAddress(1, "127.0.0.1", 9700));
    }

    @Test
    void the_group_id_follows_the_token() {
        var a = new ClusterConfig(1, 9700, 7700, List.of(), "token-a");
        assertThat(a.groupId()).isEqualTo(new ClusterConfig(2, 9701, 7700, peers("2@10.0.0.2:9701"), "token-a").groupId())
                .isNotEqualTo(new ClusterConfig(1, 9700, 7700, List.of(), "token-b").groupId());
    }

    @Test
    void bad_settings_are_named() {
        assertThatThrownBy(() -> new ClusterConfig(0, 9700, 7700, List.of(), "t")).hasMessageContaining("--id must be 1-65534");
        assertThatThrownBy(() -> new ClusterConfig(1, 9700, 7700, List.of(), " ")).hasMessageContaining("--token is required");
        assertThatThrownBy(() -> new ClusterConfig(1, 9700, 7700, List.of(), "has space")).hasMessageContaining("printable ASCII");
        assertThatThrownBy(() -> new ClusterConfig(1, 9700, 9700, List.of(), "t")).hasMessageContaining("must differ");
        assertThatThrownBy(() -> new ClusterConfig(3, 9700, 7700, peers("1@10.0.0.1:9700,2@10.0.0.2:9700"), "t"))
                .hasMessageContaining("--peers must list this server too (id 3)");
        assertThatThrownBy(() -> new ClusterConfig(1, 9700, 7700, peers("1@10.0.0.1:9701"), "t"))
                .hasMessageContaining("port 9701 but --port is 9700");
    }

    @Test
    void a_damaged_file_is_an_error_naming_the_file() throws Exception {
        Files.createDirectories(data.resolve("cluster"));
        Files.writeString(ClusterConfig.file(data), "{\"id\":1,\"raft_port\":9700,\"api_port\":7700,\"peers\":[\"x\"],\"token\":\"t\"}");
        assertThatThrownBy(() -> ClusterConfig.read(data)).hasMessageContaining("cluster.json").hasMessageContaining("peer must be id@ipv4:port");
    }
}
