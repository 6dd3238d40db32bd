package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SecurityCommandsTest {
    @Test
    void a_value_on_stdin_loses_its_trailing_newline_and_may_not_pass_1_mib() throws Exception {
        assertThat(new String(SecretCommands.readValue(new ByteArrayInputStream("v a l\r\n".getBytes(StandardCharsets.UTF_8))),
                StandardCharsets.UTF_8)).isEqualTo("v a l");
        assertThat(SecretCommands.readValue(new ByteArrayInputStream(new byte[] {0, 10, 1}))).containsExactly(0, 10, 1);
        assertThat(SecretCommands.readValue(new ByteArrayInputStream(new byte[1 << 20]))).hasSize(1 << 20);
        assertThatThrownBy(() -> SecretCommands.readValue(new ByteArrayInputStream(new byte[(1 << 20) + 1])))
                .hasMessage("the value on stdin is longer than 1 MiB");
    }

    @Test
    void audit_since_takes_a_duration_back_from_now_or_epoch_seconds() {
        Instant now = Instant.ofEpochSecond(1_000_000);
        assertThat(AuditCommand.sinceEpochSeconds("2h", now)).isEqualTo(1_000_000 - 7200);
        assertThat(AuditCommand.sinceEpochSeconds("7d", now)).isEqualTo(1_000_000 - 7 * 86_400);
        assertThat(AuditCommand.sinceEpochSeconds("1796000000", now)).isEqualTo(1_796_000_000L);
        assertThatThrownBy(() -> AuditCommand.sinceEpochSeconds("yesterday", now))
                .hasMessage("--since yesterday: give a duration (30m, 2h, 7d) or epoch seconds");
    }
}
