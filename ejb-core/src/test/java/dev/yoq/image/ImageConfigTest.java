package dev.yoq.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageConfigTest {
    static final String NGINX_LIKE = """
            {"architecture":"arm64","variant":"v8","os":"linux","created":"2024-05-01T10:00:00Z",
             "config":{"Entrypoint":["/docker-entrypoint.sh"],"Cmd":["nginx","-g","daemon off;"],"Env":["PATH=/usr/bin"],
                       "WorkingDir":"/srv","User":"101:101","ExposedPorts":{"80/tcp":{}},"StopSignal":"SIGQUIT",
                       "Labels":{"maintainer":"someone"}},
             "rootfs":{"type":"layers","diff_ids":[]}}
            """;

    @Test
    void inspect_sees_platform_created_user_workdir_stop_signal_and_labels() throws Exception {
        ImageConfig c = ImageConfig.parse(NGINX_LIKE.getBytes(StandardCharsets.UTF_8));
        assertThat(c.platform()).isEqualTo("linux/arm64/v8");
        assertThat(c.created()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(c.user()).isEqualTo("101:101");
        assertThat(c.workingDir()).isEqualTo("/srv");
        assertThat(c.stopSignal()).isEqualTo("SIGQUIT");
        assertThat(c.labels()).containsEntry("maintainer", "someone");
        assertThat(c.exposedPorts()).containsExactly("80/tcp");
        assertThat(ImageConfig.read(c.toJson())).as("stored and read back").isEqualTo(c);
    }

    @Test
    void records_stored_before_the_inspect_fields_read_them_as_empty() throws Exception {
        ImageConfig old = ImageConfig.read("{\"entrypoint\":[],\"cmd\":[\"sh\"],\"env\":[],\"workingDir\":\"\",\"user\":\"\",\"exposedPorts\":[]}");
        assertThat(old.command(java.util.List.of())).containsExactly("sh");
        assertThat(old.platform()).isEmpty();
        assertThat(old.labels()).isEmpty();
    }

    @Test
    void configs_nested_deeper_than_64_levels_are_refused() {
        String deep = "{\"config\":" + "[".repeat(70) + "]".repeat(70) + "}";
        assertThatThrownBy(() -> ImageConfig.parse(deep.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("nesting depth");
    }
}
