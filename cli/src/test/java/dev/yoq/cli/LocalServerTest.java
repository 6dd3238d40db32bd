package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.node.protocol.DataLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalServerTest {
    @TempDir Path dir;

    LocalServer server(Map<String, String> env) {
        return new LocalServer(dir.resolve("wlp"), "yoq", new DataLayout(dir.resolve("data")), env);
    }

    @Test
    void theSubnetJoinKeptIsUsedUnlessYoqSubnetIsSet() throws Exception {
        assertThat(server(Map.of()).keptSubnet()).as("nothing kept").isNull();
        Path kept = LocalServer.keptSubnetFile(new DataLayout(dir.resolve("data")));
        Files.createDirectories(kept.getParent());
        Files.writeString(kept, "10.42.3.0/24\n");
        assertThat(server(Map.of()).keptSubnet()).isEqualTo("10.42.3.0/24");
        assertThat(server(Map.of("YOQ_SUBNET", "10.42.9.0/24")).keptSubnet()).as("an explicit setting wins").isNull();
    }

    @Test
    void aDamagedKeptSubnetIsRefusedNamingTheFile() throws Exception {
        Path kept = LocalServer.keptSubnetFile(new DataLayout(dir.resolve("data")));
        Files.createDirectories(kept.getParent());
        Files.writeString(kept, "10.42.3.7/24; rm -rf /\n");
        assertThatThrownBy(() -> server(Map.of()).keptSubnet()).isInstanceOf(CliException.class)
                .hasMessageContaining(kept.toString()).hasMessageContaining("remove the file, or set YOQ_SUBNET");
    }
}
