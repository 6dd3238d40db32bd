package dev.yoq.node.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DataLayoutTest {

    @Test
    void defaultsToTheUsersLocalShare() {
        DataLayout layout = DataLayout.resolve(null, Map.of(), "/home/ada");

        assertThat(layout.root()).isEqualTo(Path.of("/home/ada/.local/share/yoq"));
        assertThat(layout.database()).isEqualTo(Path.of("/home/ada/.local/share/yoq/yoq.db"));
        assertThat(layout.apiToken()).isEqualTo(Path.of("/home/ada/.local/share/yoq/api_token"));
        assertThat(layout.blobs()).isEqualTo(Path.of("/home/ada/.local/share/yoq/blobs/sha256"));
    }

    @Test
    void yoqHomeOverridesTheDefault() {
        assertThat(DataLayout.resolve(null, Map.of("YOQ_HOME", "/srv/yoq"), "/home/ada").root())
                .isEqualTo(Path.of("/srv/yoq"));
    }

    @Test
    void explicitSettingWinsOverTheEnvironment() {
        assertThat(DataLayout.resolve("/data/x", Map.of("YOQ_HOME", "/srv/yoq", "YOQ_DATA_DIR", "/y"), "/h").root())
                .isEqualTo(Path.of("/data/x"));
        assertThat(DataLayout.resolve(null, Map.of("YOQ_HOME", "/srv/yoq", "YOQ_DATA_DIR", "/y"), "/h").root())
                .isEqualTo(Path.of("/y"));
    }

    @Test
    void blankValuesCountAsAbsent() {
        assertThat(DataLayout.resolve(" ", Map.of("YOQ_HOME", ""), "/home/ada").root())
                .isEqualTo(Path.of("/home/ada/.local/share/yoq"));
    }

    @Test
    void noHomeAtAllIsAClearError() {
        assertThatThrownBy(() -> DataLayout.resolve(null, Map.of(), null)).hasMessageContaining("set YOQ_HOME");
    }
}
