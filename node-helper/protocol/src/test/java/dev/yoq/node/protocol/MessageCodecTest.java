package dev.yoq.node.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    final MessageCodec codec = new MessageCodec();

    @Test
    void a_spec_survives_the_wire_with_snake_case_names_on_one_line() throws IOException {
        ContainerSpec spec = new ContainerSpec("abc", "web", List.of("/l"), List.of("sh", "-c", "echo 'x\ny'"), List.of("A=1"),
                "web", "/", null, new Limits(8L << 20, 10, 100, 0.5), List.of(new ContainerSpec.Mount("/a", "/b", true)), true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.write(out, new Wire.Request(7, "run", codec.tree(spec)));
        String line = out.toString(StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n").containsOnlyOnce("\n").contains("\"lower_dirs\"", "\"memory_bytes\"", "\"read_only\"");
        Wire.Request back = codec.read(new ByteArrayInputStream(out.toByteArray()), Wire.Request.class);
        assertThat(back.id()).isEqualTo(7);
        assertThat(codec.convert(back.body(), ContainerSpec.class)).isEqualTo(spec);
    }

    @Test
    void an_oversized_or_cut_message_is_an_error_and_end_of_stream_is_null() throws IOException {
        byte[] huge = new byte[Wire.MAX_MESSAGE_BYTES + 10];
        java.util.Arrays.fill(huge, (byte) 'x');
        assertThatThrownBy(() -> codec.read(new ByteArrayInputStream(huge), Wire.Request.class))
                .hasMessageContaining("longer than");
        assertThatThrownBy(() -> codec.read(new ByteArrayInputStream("{\"id\":1".getBytes()), Wire.Request.class))
                .hasMessageContaining("closed in the middle");
        assertThat(codec.read(new ByteArrayInputStream(new byte[0]), Wire.Request.class)).isNull();
    }

    @Test
    void a_malformed_body_becomes_an_invalid_error() {
        var node = codec.tree(java.util.Map.of("id", List.of(1, 2)));
        assertThatThrownBy(() -> codec.convert(node, Wire.IdBody.class)).isInstanceOf(HelperException.class)
                .hasMessageStartingWith("malformed IdBody");
    }

    @Test
    void limits_have_the_original_defaults_and_quota() {
        assertThat(Limits.DEFAULT.memoryBytes()).isEqualTo(512L << 20);
        assertThat(Limits.DEFAULT.pids()).isEqualTo(4096);
        assertThat(Limits.DEFAULT.problems()).isEmpty();
        assertThat(new Limits(Limits.MIN_MEMORY, 1, 10000, 1024).problems()).isEmpty();
        assertThat(new Limits(Limits.MIN_MEMORY, 1, 1, 2.5).cpuQuotaMicros()).isEqualTo(250_000);
        assertThat(Limits.DEFAULT.cpuQuotaMicros()).isEqualTo(-1);
    }
}
