package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class TransferDisplayTest {
    static final String A = "sha256:" + "a".repeat(64);
    static final String B = "sha256:" + "b".repeat(64);

    static JsonNode view(String kind) throws Exception {
        return ApiClient.JSON.readTree("{\"kind\":\"" + kind + "\",\"state\":\"running\",\"elapsed_ms\":2000,\"total_bytes\":30000000,"
                + "\"done_bytes\":20000000,\"blobs\":[{\"digest\":\"" + A + "\",\"size\":20000000,\"done\":10000000,\"state\":\"moving\"},"
                + "{\"digest\":\"" + B + "\",\"size\":10000000,\"done\":10000000,\"state\":\"present\"}]}");
    }

    @Test
    void a_terminal_frame_has_a_bar_per_blob_then_the_total_and_the_speed() throws Exception {
        String[] lines = TransferDisplay.frame(view("pull")).split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("aaaaaaaaaaaa [============            ]").contains("10.0 MB / 20.0 MB").endsWith("moving");
        assertThat(lines[1]).startsWith("bbbbbbbbbbbb [========================]").endsWith("already there");
        assertThat(lines[2]).isEqualTo("pull 20.0 MB / 30.0 MB  10.0 MB/s  2.0s");
    }

    @Test
    void plain_lines_say_what_happened_to_each_finished_blob() throws Exception {
        JsonNode blobs = view("push").path("blobs");
        assertThat(TransferDisplay.plainLine("push", blobs.get(1))).isEqualTo("bbbbbbbbbbbb: already there");
        assertThat(TransferDisplay.plainLine("pull", blobs.get(0))).isEqualTo("aaaaaaaaaaaa: downloaded 10.0 MB");
        assertThat(TransferDisplay.plainLine("push", blobs.get(0))).isEqualTo("aaaaaaaaaaaa: uploaded 10.0 MB");
    }
}
